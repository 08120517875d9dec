package org.appban.sim.world;

import java.time.Instant;

/** One thing that happened in the simulated world (not an API call): an event applied, an app removed by the MDM. */
public record WorldEntry(Instant at, String device, String what, String detail) {
}
