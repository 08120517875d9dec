package org.appban.sim.fleet;

/** An app as the simulated MDMs name it: its identifier (bundle id / package), display name and publisher. */
public record CatalogApp(String identifier, String name, String publisher) {
}
