package org.appban.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.appban.policy.BannedApp;
import org.appban.policy.file.PolicyLoader;
import org.appban.remote.RemoteOptions;
import org.appban.remote.RetryPolicy;
import org.appban.remote.Sleeper;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetDevice;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.http.SimSettings;
import org.appban.sim.world.SimDevice;

/** The simulators over a fleet, and client options whose waits are recorded (and shortened) for assertions. */
public final class SimulatedFleet implements AutoCloseable {
    public static final BannedApp APP = new PolicyLoader().bundled(PolicyLoader.BUNDLED).app();
    public final Simulators sims;
    public final List<Duration> waits = new CopyOnWriteArrayList<>();
    public final RemoteOptions options;

    public SimulatedFleet(Fleet fleet, SimSettings settings) {
        this.sims = Simulators.of(fleet, settings).start();
        Sleeper recording = d -> {
            waits.add(d);
            Thread.sleep(Math.min(5, d.toMillis()));
        };
        this.options = RemoteOptions.standard(sims.clock()).withSleeper(recording).withJitter(new Random(7))
                .withRetry(RetryPolicy.standard()).withTimeout(Duration.ofSeconds(5));
    }

    public static SimulatedFleet sample() {
        return new SimulatedFleet(new FleetLoader().bundled(FleetLoader.SAMPLE), SimSettings.defaults());
    }

    /** A generated fleet: {@code perMdm} corporate iPhones with the app in each MDM, half of them with it, plus private ones. */
    public static SimulatedFleet large(int perMdm) {
        StringBuilder members = new StringBuilder();
        StringBuilder devices = new StringBuilder();
        int n = 0;
        for (String mdm : List.of("intune", "jamf")) {
            for (int i = 0; i < perMdm; i++, n++) {
                if (n > 0) {
                    members.append(',');
                    devices.append(',');
                }
                boolean corporate = i % 4 != 3;
                members.append("{\"id\":\"p").append(n).append("\",\"name\":\"Person ").append(n).append("\",\"email\":\"p").append(n).append("@example.org\",\"role\":\"staff\"}");
                devices.append("{\"id\":\"dev").append(n).append("\",\"owner\":\"p").append(n).append("\",\"ownership\":\"").append(corporate ? "corporate" : "private")
                        .append("\",\"platform\":\"ios\",\"supervised\":").append(corporate).append(",\"apps\":[").append(i % 2 == 0 ? "\"com.zhiliaoapp.musically\"" : "")
                        .append("],\"mdm\":\"").append(mdm).append("\",\"mac\":\"02:CD:00:00:").append(String.format("%02X:%02X", n / 256, n % 256)).append("\"}");
            }
        }
        String json = "{\"startsAt\":\"2023-03-17T08:00+13:00\",\"catalog\":[{\"identifier\":\"com.zhiliaoapp.musically\",\"name\":\"TikTok\"}],"
                + "\"members\":[" + members + "],\"devices\":[" + devices + "]}";
        return new SimulatedFleet(new FleetLoader().parse(json, "generated-fleet"), SimSettings.defaults());
    }

    public SimDevice device(String fleetId) {
        return sims.world().device(fleetId).orElseThrow();
    }

    /** The id the device's MDM knows it by. */
    public static String mdmId(SimDevice d) {
        return d.spec().mdm() == FleetDevice.Mdm.JAMF ? Integer.toString(d.jamfId()) : d.intuneId();
    }

    @Override
    public void close() {
        sims.close();
    }
}
