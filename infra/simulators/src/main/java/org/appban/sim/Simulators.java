package org.appban.sim;

import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.appban.sim.fleet.Fleet;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.http.SimSettings;
import org.appban.sim.intune.IntuneSimulator;
import org.appban.sim.ise.IseSimulator;
import org.appban.sim.jamf.JamfSimulator;
import org.appban.sim.world.SimWorld;

/**
 * The three simulators over one fleet and one clock: embeddable ({@link #start}, {@link #close}) and runnable
 * ({@code main --fleet FILE}, which prints the base URLs and the credentials the simulators accept).
 *
 * <p>The credentials are fixed, well-known test values: the simulators guard nothing.
 */
public final class Simulators implements AutoCloseable {
    public static final String TENANT = "sim-tenant";
    public static final String GRAPH_CLIENT_ID = "sim-graph-client";
    public static final String GRAPH_CLIENT_SECRET = "sim-graph-secret";
    public static final String JAMF_CLIENT_ID = "sim-jamf-client";
    public static final String JAMF_CLIENT_SECRET = "sim-jamf-secret";
    public static final String JAMF_USER = "sim-jamf-user";
    public static final String JAMF_PASSWORD = "sim-jamf-password";
    public static final String ISE_USER = "sim-ers-admin";
    public static final String ISE_PASSWORD = "sim-ers-password";
    public static final Set<String> ANC_POLICIES = Set.of("Quarantine", "Shutdown");

    private final SimClock clock;
    private final SimWorld world;
    private final IntuneSimulator intune;
    private final JamfSimulator jamf;
    private final IseSimulator ise;

    public Simulators(Fleet fleet, SimClock clock, SimSettings settings) {
        this.clock = clock;
        this.world = new SimWorld(fleet, clock);
        this.intune = new IntuneSimulator(world, settings, TENANT, GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET);
        this.jamf = new JamfSimulator(world, settings, JAMF_CLIENT_ID, JAMF_CLIENT_SECRET, JAMF_USER, JAMF_PASSWORD);
        this.ise = new IseSimulator(world, settings, ISE_USER, ISE_PASSWORD, ANC_POLICIES);
    }

    /** Simulators over a fleet with the clock at the fleet's start (or now when it names none). */
    public static Simulators of(Fleet fleet, SimSettings settings) {
        return new Simulators(fleet, new SimClock(fleet.startsAt() == null ? Instant.now() : fleet.startsAt()), settings);
    }

    public Simulators start() {
        intune.start();
        jamf.start();
        ise.start();
        return this;
    }

    /** On fixed loopback ports (the LocalStack stack's secrets name 4601, 4602, 4603). */
    public Simulators start(int intunePort, int jamfPort, int isePort) {
        intune.start(intunePort);
        jamf.start(jamfPort);
        ise.start(isePort);
        return this;
    }

    public SimClock clock() {
        return clock;
    }

    public SimWorld world() {
        return world;
    }

    public IntuneSimulator intune() {
        return intune;
    }

    public JamfSimulator jamf() {
        return jamf;
    }

    public IseSimulator ise() {
        return ise;
    }

    @Override
    public void close() {
        intune.close();
        jamf.close();
        ise.close();
    }

    public void describe(PrintStream out) {
        URI g = intune.baseUri();
        out.println("fleet:  " + world.fleet().source() + " (" + world.fleet().members().size() + " members, " + world.fleet().devices().size() + " devices)");
        out.println("clock:  " + clock.instant() + "   advance: POST {any base}/_sim/clock/advance?by=PT1H");
        out.println("intune: " + g + "   token: POST " + g + "/" + TENANT + "/oauth2/v2.0/token   graph: " + g + "/v1.0   client " + GRAPH_CLIENT_ID + " / " + GRAPH_CLIENT_SECRET);
        out.println("jamf:   " + jamf.baseUri() + "   oauth client " + JAMF_CLIENT_ID + " / " + JAMF_CLIENT_SECRET + "   basic " + JAMF_USER + " / " + JAMF_PASSWORD);
        out.println("ise:    " + ise.baseUri() + "   basic " + ISE_USER + " / " + ISE_PASSWORD + "   ANC policies " + ANC_POLICIES);
    }

    public static void main(String[] args) throws InterruptedException {
        String fleetRef = FleetLoader.SAMPLE;
        SimSettings settings = SimSettings.defaults();
        Instant start = null;
        String[] ports = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fleet" -> fleetRef = value(args, ++i, "--fleet");
                case "--start" -> start = Instant.parse(value(args, ++i, "--start"));
                case "--budget-scale" -> settings.budgetScale(Double.parseDouble(value(args, ++i, "--budget-scale")));
                case "--latency-ms" -> settings.latency(java.time.Duration.ofMillis(Long.parseLong(value(args, ++i, "--latency-ms"))));
                case "--seed" -> settings.seed(Long.parseLong(value(args, ++i, "--seed")));
                case "--ports" -> ports = value(args, ++i, "--ports").split(",");
                default -> {
                    System.err.println("usage: Simulators [--fleet FILE|NAME] [--start INSTANT] [--budget-scale F] [--latency-ms N] [--seed N] [--ports INTUNE,JAMF,ISE]");
                    System.exit(2);
                }
            }
        }
        Fleet fleet = new FleetLoader().resolve(fleetRef);
        SimClock clock = new SimClock(start != null ? start : fleet.startsAt() != null ? fleet.startsAt() : Instant.now());
        Simulators sims = ports == null ? new Simulators(fleet, clock, settings).start()
                : new Simulators(fleet, clock, settings).start(Integer.parseInt(ports[0].trim()), Integer.parseInt(ports[1].trim()),
                        Integer.parseInt(ports[2].trim()));
        sims.describe(System.out);
        System.out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sims.close();
            stop.countDown();
        }));
        stop.await();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) throw new IllegalArgumentException(flag + " needs a value");
        return args[i];
    }
}
