package org.appban.fleet.intune;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.fleet.FleetInventory;
import org.appban.fleet.InventoriedDevice;
import org.appban.fleet.PagePipeline;
import org.appban.fleet.SourcePage;
import java.net.URI;
import org.appban.remote.RemoteFailure;
import org.appban.policy.BannedApp;

/**
 * Intune's inventory through Graph. App presence comes from {@code detectedApps} (matched by display name and
 * platform, since Graph gives no bundle id there) and their {@code managedDevices}: Intune reports those for
 * corporate devices only, and this adapter never asks for a personal device's apps. Presence is as of each device's
 * last inventory report, which can be days old.
 *
 * <p>Throughput: a listing that follows nextLinks is one request at a time, so paging one cursor is bound by Graph's
 * latency, far under its budget. The listing is therefore split into independent cursors fetched at once (see
 * {@link PagePipeline}): the devices of each {@code managedDeviceOwnerType} ({@code eq} on it is what Graph's
 * managedDevices filter honours; {@code ne} is not honoured, so there is no "everything else" filter), alongside the
 * app holders' listing. The split is trusted only when it is provably exact: the partitions' {@code @odata.count}s
 * must add up to the unfiltered count, and every device a partition returns must carry the partition's owner type.
 * Otherwise (no counts, counts that disagree, a filter Graph ignored) the adapter lists everything through one
 * cursor, as before: slower, never wrong. A fleet of {@value #SPLIT_ABOVE_PAGES} pages or fewer is not split at all. Personal (and unknown-owner) devices need no app data and stream at once;
 * corporate devices need the app holders, and those listed before the holders are known are parked on local disk
 * ({@link ParkedDevices}) until they are.
 *
 * <p>What still bounds the speed: each cursor is sequential, so the largest partition (in most fleets, the corporate
 * devices) takes its page count times Graph's latency. Graph offers no further filter that is both honoured and
 * stable for a device (operating system could split a mixed fleet further; compliance state changes during a
 * listing, and a device that moves between partitions mid-listing could be missed).
 *
 * <p>Memory: the holders are kept on local disk as 16-byte ids ({@link CompactIdSet}), parked devices too, and at most
 * {@link #QUEUED_PAGES} pages wait for the consumer: the heap holds pages, not the fleet.
 */
public final class IntuneGraphInventory implements FleetInventory {
    private static final int PAGE = 100;
    /**
     * A listing this many pages long or shorter goes through one cursor: splitting asks for eight first pages at
     * once, more requests (and, against Graph, TLS connections) than such a fleet needs in all.
     */
    static final int SPLIT_ABOVE_PAGES = 2;
    static final int QUEUED_PAGES = 8;
    /** managedDeviceOwnerType's documented values; "unknown" ownership is treated as private. */
    static final List<String> OWNER_TYPES = List.of("company", "personal", "unknown");
    /** operatingSystem values Intune reports for the platforms the policy covers (iPads may report iPadOS). */
    static final List<String> OPERATING_SYSTEMS = List.of("iOS", "iPadOS", "Android", "Windows", "macOS");
    private static final String OWNER_TYPE = "managedDeviceOwnerType", OPERATING_SYSTEM = "operatingSystem";
    private static final String DEVICES = "/v1.0/deviceManagement/managedDevices";
    private final IntuneGraphClient graph;
    private final boolean split;

    public IntuneGraphInventory(IntuneGraphClient graph) {
        this(graph, true);
    }

    /** {@code split=false} lists through one cursor (for comparison; the split falls back to it by itself). */
    public IntuneGraphInventory(IntuneGraphClient graph, boolean split) {
        this.graph = graph;
        this.split = split;
    }

    @Override
    public MdmKind mdm() {
        return MdmKind.INTUNE;
    }

    @Override
    public Stream<InventoriedDevice> devices(BannedApp app) {
        PagePipeline<InventoriedDevice> pipeline = new PagePipeline<>("intune-listing", QUEUED_PAGES);
        Future<Holders> holders = pipeline.side(() -> holders(app));
        pipeline.produce(emit -> {
            // The unfiltered first page comes first: its count says whether splitting is worth its extra requests,
            // and it is the single cursor's first page when not (and when the split cannot be shown exact).
            IntuneGraphClient.Page first = graph.page("list managed devices", DEVICES + "?$top=" + PAGE);
            List<Partition> partitions = split && first.count() > SPLIT_ABOVE_PAGES * PAGE ? plan(pipeline, first.count()) : List.of();
            if (partitions.isEmpty()) {
                followWithHolders(new Partition(Map.of(), first), emit, holders);
                return;
            }
            for (Partition p : partitions) {
                pipeline.produce(e -> {
                    if (p.needsHolders()) {
                        followWithHolders(p, e, holders);
                    } else {
                        e.page(p.first().items().stream().map(d -> p.device(d, Holders.NONE)).toList());
                        if (p.first().nextLink() != null) follow(p, p.first().nextLink(), e, Holders.NONE);
                    }
                });
            }
        });
        return pipeline.stream().onClose(() -> {
            if (holders.isDone() && !holders.isCancelled()) {
                try {
                    holders.get().close();
                } catch (ExecutionException | InterruptedException | RuntimeException e) {
                    // Nothing to release: the holders' listing failed (and the stream said so).
                }
            }
        });
    }

    /**
     * The listing a page at a time through one cursor (Graph's nextLink), for a round that hands the cursor on between
     * invocations. A corporate device needs the app's holders: they are listed once per {@link FleetInventory.Listing}
     * (one step), the first time a page holds a corporate device, and kept on local disk while it lasts. A nextLink
     * handed back must point at this Graph (scheme, host and port): the token is never sent anywhere a message says.
     */
    @Override
    public Listing listing(BannedApp app) {
        URI base = graph.graph("/");
        return new Listing() {
            private Holders holders;

            @Override
            public SourcePage<InventoriedDevice> page(String cursor) {
                String url = DEVICES + "?$top=" + PAGE;
                if (cursor != null) {
                    URI next;
                    try {
                        next = URI.create(cursor);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("not a Graph nextLink: " + e.getMessage());
                    }
                    if (!base.getScheme().equalsIgnoreCase(String.valueOf(next.getScheme())) || !base.getHost().equalsIgnoreCase(String.valueOf(next.getHost()))
                            || base.getPort() != next.getPort()) {
                        throw new IllegalArgumentException("a nextLink to another host than this Graph's");
                    }
                    url = cursor;
                }
                IntuneGraphClient.Page page = graph.page("list managed devices", url);
                boolean corporate = page.items().stream().anyMatch(d -> "company".equals(ownerTypeOf(d)));
                if (corporate && holders == null) holders = holders(app);
                Holders h = holders == null ? Holders.NONE : holders;
                return new SourcePage<>(page.items().stream().map(d -> device(d, h)).toList(), page.nextLink());
            }

            @Override
            public void close() {
                if (holders != null) holders.close();
            }
        };
    }

    /** One cursor's pages from {@code url} on, each checked against its partition and handed on. */
    private void follow(Partition p, String url, PagePipeline.Emitter<InventoriedDevice> emit, Holders h) throws InterruptedException {
        for (String next = url; next != null; ) {
            if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
            IntuneGraphClient.Page page = graph.page("list managed devices", next);
            emit.page(page.items().stream().map(d -> p.device(d, h)).toList());
            next = page.nextLink();
        }
    }

    /**
     * A cursor whose corporate devices need the app holders: it does not wait for them. Pages that arrive before the
     * holders are known are parked on local disk (a line of the fields used per device; /tmp in Lambda), and handed
     * on once they are, so the two listings overlap and memory still holds only a page.
     */
    private void followWithHolders(Partition p, PagePipeline.Emitter<InventoriedDevice> emit, Future<Holders> holders) throws InterruptedException {
        List<JsonNode> pending = p.first().items();
        String next = p.first().nextLink();
        try (ParkedDevices parked = new ParkedDevices()) {
            while (!holders.isDone()) {
                parked.park(pending);
                pending = List.of();
                if (next == null) break;
                if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
                IntuneGraphClient.Page page = graph.page("list managed devices", next);
                pending = page.items();
                next = page.nextLink();
            }
            Holders h = await(holders);
            for (List<JsonNode> page : parked.replay(PAGE)) emit.page(page.stream().map(d -> p.device(d, h)).toList());
            emit.page(pending.stream().map(d -> p.device(d, h)).toList());
            if (next != null) follow(p, next, emit, h);
        }
    }

    /**
     * The exact split of the listing, or none when it cannot be shown exact: by owner type, and the corporate devices
     * further by operating system when the operating systems asked for account for all of them (a mixed fleet).
     * Every first page is asked for at once, and each becomes its cursor's first page.
     */
    private List<Partition> plan(PagePipeline<InventoriedDevice> pipeline, long total) throws InterruptedException {
        Map<Map<String, String>, Future<IntuneGraphClient.Page>> byOwner = new LinkedHashMap<>();
        for (String type : OWNER_TYPES) byOwner.put(Map.of(OWNER_TYPE, type), first(pipeline, Map.of(OWNER_TYPE, type)));
        Map<Map<String, String>, Future<IntuneGraphClient.Page>> corporateByOs = new LinkedHashMap<>();
        for (String os : OPERATING_SYSTEMS) {
            Map<String, String> where = new LinkedHashMap<>();
            where.put(OWNER_TYPE, "company");
            where.put(OPERATING_SYSTEM, os);
            corporateByOs.put(where, first(pipeline, where));
        }
        List<Partition> owners = exact(byOwner, total);
        if (owners.isEmpty()) return owners;
        Partition company = owners.stream().filter(p -> p.where().get(OWNER_TYPE).equals("company")).findFirst().orElseThrow();
        List<Partition> bySystem = exact(corporateByOs, company.first().count());
        if (bySystem.isEmpty()) return owners;
        List<Partition> out = new ArrayList<>(owners);
        out.remove(company);
        bySystem.stream().filter(p -> p.first().count() > 0).forEach(out::add);
        return out;
    }

    private Future<IntuneGraphClient.Page> first(PagePipeline<InventoriedDevice> pipeline, Map<String, String> where) {
        StringBuilder filter = new StringBuilder();
        where.forEach((field, value) -> filter.append(filter.isEmpty() ? "" : " and ").append(field).append(" eq '").append(value).append("'"));
        return pipeline.side(() -> graph.page("list managed devices", DEVICES + "?$top=" + PAGE + "&$filter=" + IntuneGraphClient.q(filter.toString())));
    }

    /** The partitions, when their counts add up to {@code expected} and their first pages hold only their own devices. */
    private static List<Partition> exact(Map<Map<String, String>, Future<IntuneGraphClient.Page>> firsts, long expected) throws InterruptedException {
        long sum = 0;
        List<Partition> out = new ArrayList<>();
        for (var e : firsts.entrySet()) {
            Partition p = new Partition(e.getKey(), await(e.getValue()));
            if (p.first().count() < 0 || !p.first().items().stream().allMatch(p::holds)) return List.of();
            sum += p.first().count();
            out.add(p);
        }
        return expected >= 0 && sum == expected ? out : List.of();
    }

    /** A cursor over the devices matching {@code where} (field equals value; empty: every device, one cursor). */
    private record Partition(Map<String, String> where, IntuneGraphClient.Page first) {
        boolean holds(JsonNode d) {
            for (var e : where.entrySet()) {
                String actual = e.getKey().equals(OWNER_TYPE) ? ownerTypeOf(d) : d.path(e.getKey()).asText("");
                if (!actual.equalsIgnoreCase(e.getValue())) return false;
            }
            return true;
        }

        boolean needsHolders() {
            return where.isEmpty() || "company".equals(where.get(OWNER_TYPE));
        }

        InventoriedDevice device(JsonNode d, Holders holders) {
            if (!holds(d)) {
                // Devices moved between partitions while they were listed: the listing cannot vouch for completeness,
                // so fail it (the sync then marks nothing gone) rather than risk a device missed.
                throw new RemoteFailure(RemoteFailure.Kind.TRANSIENT, "intune", "list managed devices", 200,
                        "the listing of " + where + " returned a device of owner type '" + ownerTypeOf(d) + "' on '"
                                + d.path(OPERATING_SYSTEM).asText("") + "'");
            }
            return IntuneGraphInventory.device(d, holders);
        }
    }

    private static String ownerTypeOf(JsonNode d) {
        return d.path("managedDeviceOwnerType").asText("unknown").toLowerCase(Locale.ROOT);
    }

    private static <T> T await(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new RemoteFailure(RemoteFailure.Kind.TRANSIENT, "intune", "listing", 0, String.valueOf(e.getCause()), e.getCause());
        }
    }

    /** The devices Intune reports the app on, per matching detected app (evidence names the app). */
    record Holders(List<String> evidence, List<CompactIdSet> devices) implements AutoCloseable {
        static final Holders NONE = new Holders(List.of(), List.of());

        @Override
        public void close() {
            devices.forEach(CompactIdSet::close);
        }

        String evidenceFor(String deviceId) {
            for (int i = 0; i < devices.size(); i++) if (devices.get(i).contains(deviceId)) return evidence.get(i);
            return null;
        }
    }

    private Holders holders(BannedApp app) {
        List<String> evidence = new ArrayList<>();
        List<CompactIdSet> devices = new ArrayList<>();
        graph.pages("list detected apps", "/v1.0/deviceManagement/detectedApps?$top=" + PAGE)
                .filter(a -> app.matchesDisplayName(a.path("displayName").asText(null)))
                .filter(a -> app.platforms().contains(platformOfDetectedApp(a.path("platform").asText(""))))
                .toList()
                .forEach(a -> {
                    CompactIdSet ids = new CompactIdSet();
                    graph.pages("list devices with a detected app", "/v1.0/deviceManagement/detectedApps/" + a.path("id").asText() + "/managedDevices?$top=" + PAGE)
                            .forEach(d -> ids.add(d.path("id").asText()));
                    evidence.add("detectedApps:" + a.path("displayName").asText() + "/" + a.path("platform").asText());
                    devices.add(ids.seal());
                });
        return new Holders(evidence, devices);
    }

    private static Platform platformOfDetectedApp(String p) {
        String s = p.toLowerCase(Locale.ROOT);
        if (s.equals("ios")) return Platform.IOS;
        if (s.startsWith("android")) return Platform.ANDROID;
        if (s.startsWith("windows")) return Platform.WINDOWS;
        if (s.equals("macos")) return Platform.MACOS;
        return Platform.OTHER;
    }

    private static InventoriedDevice device(JsonNode d, Holders holders) {
        String id = d.path("id").asText();
        // "unknown" ownership is treated as private: when in doubt, never look at the apps.
        Ownership ownership = d.path("managedDeviceOwnerType").asText("").equals("company") ? Ownership.CORPORATE : Ownership.PRIVATE;
        String held = ownership == Ownership.PRIVATE ? null : holders.evidenceFor(id);
        AppPresence presence = ownership == Ownership.PRIVATE ? AppPresence.UNKNOWN : held != null ? AppPresence.PRESENT : AppPresence.ABSENT;
        String evidence = ownership == Ownership.PRIVATE ? "compliance only (personal device)" : held != null ? held : "detectedApps: not reported";
        List<String> problems = new ArrayList<>();
        return new InventoriedDevice(MdmKind.INTUNE, id, text(d, "emailAddress"), text(d, "userPrincipalName"), ownership,
                platform(d.path("operatingSystem").asText("")), text(d, "model"), d.path("isSupervised").asBoolean(false),
                InventoriedDevice.mac("wiFiMacAddress", text(d, "wiFiMacAddress"), problems), ComplianceState.parse(text(d, "complianceState")), presence,
                instant(text(d, "lastSyncDateTime")), text(d, "serialNumber"), evidence, problems);
    }

    static Platform platform(String os) {
        String s = os.toLowerCase(Locale.ROOT);
        if (s.equals("ios") || s.equals("ipados")) return Platform.IOS;
        if (s.startsWith("android")) return Platform.ANDROID;
        if (s.startsWith("windows")) return Platform.WINDOWS;
        if (s.equals("macos")) return Platform.MACOS;
        return Platform.OTHER;
    }

    private static String text(JsonNode d, String field) {
        JsonNode v = d.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }

    private static Instant instant(String s) {
        if (s == null || s.startsWith("0001-")) return null;
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
