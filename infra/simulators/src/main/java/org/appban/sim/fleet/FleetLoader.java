package org.appban.sim.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.appban.json.StrictJson;

/**
 * Reads a fleet file strictly: unknown fields, wrong types, bad values, dangling references and duplicate ids are
 * all reported at once, each with its field path, in one {@link InvalidFleetException} naming the file.
 */
public final class FleetLoader {
    /** The fleet shipped with the simulators. */
    public static final String SAMPLE = "sample-fleet";

    private static final Pattern MAC = Pattern.compile("^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\\1[0-9A-Fa-f]{2}){4}$");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final List<String> ROLES = List.of("member", "staff", "contractor");
    private static final List<String> COMPLIANCE = List.of("compliant", "noncompliant", "inGracePeriod", "unknown");
    private static final List<String> STATUSES = List.of("requested", "granted", "refused", "revoked");
    private static final List<String> ENROLLMENTS = List.of("UserEnrollment", "PersonalDeviceProfile", "AccountDrivenUserEnrollment");
    private static final Duration DEFAULT_CHECK_IN = Duration.ofHours(8);

    public Fleet load(Path file) {
        try {
            return parse(utf8(Files.readAllBytes(file), file.toString()), file.toString());
        } catch (IOException e) {
            throw new InvalidFleetException(file.toString(), List.of("cannot read the fleet file: " + e.getMessage()));
        }
    }

    /** A fleet bundled under {@code fleets/NAME.json}. */
    public Fleet bundled(String name) {
        String resource = "/fleets/" + name + ".json";
        try (InputStream in = FleetLoader.class.getResourceAsStream(resource)) {
            if (in == null) throw new InvalidFleetException(name, List.of("no bundled fleet of that name"));
            return parse(utf8(in.readAllBytes(), "fleets/" + name + ".json"), "fleets/" + name + ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A path to a fleet file, or the name of a bundled fleet. */
    public Fleet resolve(String reference) {
        Path p = Path.of(reference);
        return Files.isRegularFile(p) ? load(p) : bundled(reference);
    }

    /**
     * The file's text if it is UTF-8 (a byte order mark dropped), else refused naming the first bad byte: the one
     * strict reading of every input ({@link StrictJson#utf8}).
     */
    static String utf8(byte[] bytes, String source) {
        try {
            return StrictJson.utf8(bytes);
        } catch (StrictJson.NotStrictJson e) {
            throw new InvalidFleetException(source, List.of(e.getOriginalMessage()));
        }
    }

    public Fleet parse(String json, String source) {
        JsonNode root;
        try {
            // Duplicate keys and content after the document refused, a byte order mark skipped: as every input.
            root = StrictJson.parse(json);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new InvalidFleetException(source, List.of((at == null || e instanceof StrictJson.NotStrictJson ? "" : "line " + at.getLineNr() + ": ")
                    + StrictJson.problem(e)));
        }
        List<String> problems = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new InvalidFleetException(source, List.of("(root): expected a JSON object"));
        }
        StrictNode o = new StrictNode(root, "", problems);
        String name = o.text("name", false);
        o.text("description", false);
        Instant startsAt = o.instant("startsAt", false);
        List<CatalogApp> catalog = catalog(o);
        List<FleetMember> members = members(o);
        Map<String, FleetMember> memberById = new HashMap<>();
        members.forEach(m -> memberById.putIfAbsent(m.id(), m));
        List<String> warnings = new ArrayList<>();
        List<FleetDevice> devices = devices(o, memberById.keySet(), warnings);
        Map<String, FleetDevice> deviceById = new HashMap<>();
        devices.forEach(d -> deviceById.putIfAbsent(d.id(), d));
        List<FleetExemption> exemptions = exemptions(o, memberById.keySet(), deviceById);
        List<FleetEvent> events = events(o, deviceById);
        List<FleetAttestation> attestations = attestations(o, memberById.keySet());
        o.rejectUnknownFields();
        if (!problems.isEmpty()) throw new InvalidFleetException(source, problems);
        return new Fleet(source, name == null ? source : name, startsAt, catalog, members, devices, exemptions, events, attestations, warnings);
    }

    private static List<CatalogApp> catalog(StrictNode o) {
        List<CatalogApp> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (StrictNode a : o.objects("catalog", false)) {
            String identifier = a.text("identifier", true);
            String name = a.text("name", true);
            String publisher = a.text("publisher", false);
            a.rejectUnknownFields();
            if (identifier != null && !seen.add(identifier)) a.problem("identifier", "duplicate identifier '" + identifier + "'");
            if (identifier != null && name != null) out.add(new CatalogApp(identifier, name, publisher));
        }
        return out;
    }

    private static List<FleetMember> members(StrictNode o) {
        List<FleetMember> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> emails = new HashSet<>();
        for (StrictNode m : o.objects("members", true)) {
            String id = m.text("id", true);
            String name = m.text("name", true);
            String email = m.text("email", true);
            String role = m.oneOf("role", true, ROLES);
            Instant leavesAt = m.instant("leavesAt", false);
            // Passed to the roster as written: the roster import is where a language is checked (per row).
            String language = m.text("language", false);
            m.rejectUnknownFields();
            // Ids that differ only in case are one person to a reader (the roster import compares them the same way).
            if (id != null && !ids.add(id.toLowerCase(java.util.Locale.ROOT))) m.problem("id", "duplicate member id '" + id + "' (ids are compared ignoring case)");
            if (email != null && !EMAIL.matcher(email).matches()) m.problem("email", "'" + email + "' is not an email address");
            else if (email != null && !emails.add(email.toLowerCase(java.util.Locale.ROOT))) m.problem("email", "duplicate email '" + email + "'");
            if (id != null && name != null && email != null && role != null) out.add(new FleetMember(id, name, email, role, leavesAt, language));
        }
        return out;
    }

    private static List<FleetDevice> devices(StrictNode o, Set<String> memberIds, List<String> warnings) {
        List<FleetDevice> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (StrictNode d : o.objects("devices", true)) {
            String id = d.text("id", true);
            String owner = d.text("owner", true);
            var ownership = d.choice("ownership", true, FleetDevice.Ownership.class);
            var platform = d.choice("platform", true, FleetDevice.Platform.class);
            String model = d.text("model", false);
            Boolean supervised = d.requiredBool("supervised");
            List<String> apps = d.texts("apps", true);
            String mac = d.text("mac", false);
            var mdm = d.choice("mdm", true, FleetDevice.Mdm.class);
            String compliance = d.oneOf("compliance", false, COMPLIANCE);
            Double checkInHours = d.positiveNumber("checkInHours");
            String serial = d.text("serial", false);
            String enrollment = d.oneOf("enrollment", false, ENROLLMENTS);
            d.rejectUnknownFields();
            if (id != null && !ids.add(id)) d.problem("id", "duplicate device id '" + id + "'");
            if (owner != null && !memberIds.contains(owner)) d.problem("owner", "no member with id '" + owner + "'");
            if (mac != null && !MAC.matcher(mac).matches()) {
                d.problem("mac", "'" + mac + "' is not a MAC address (six hex pairs separated by ':' or '-')");
                mac = null;
            }
            if (Boolean.TRUE.equals(supervised) && platform != null && platform != FleetDevice.Platform.IOS) {
                // Harmless to the scenario: only iOS has supervision, so the flag means nothing here.
                warnings.add(d.at("supervised") + ": ignored: only iOS devices are supervised, this one is " + platform.wire());
                supervised = false;
            }
            if (enrollment != null && (mdm != FleetDevice.Mdm.JAMF || ownership != FleetDevice.Ownership.PRIVATE)) {
                d.problem("enrollment", "only private Jamf devices have an enrollment type");
            }
            if (mdm == FleetDevice.Mdm.NONE && compliance != null) d.problem("compliance", "a device without an MDM has no compliance state");
            if (mdm == FleetDevice.Mdm.JAMF && platform != null && platform != FleetDevice.Platform.IOS) {
                d.problem("mdm", "the Jamf simulator manages iOS devices only");
            }
            if (id == null || owner == null || ownership == null || platform == null || supervised == null || mdm == null) continue;
            Duration checkIn = checkInHours == null ? DEFAULT_CHECK_IN : Duration.ofSeconds(Math.round(checkInHours * 3600));
            out.add(new FleetDevice(id, owner, ownership, platform, model, supervised, apps,
                    mac == null ? null : normaliseMac(mac), mdm, compliance, checkIn, serial, enrollment));
        }
        return out;
    }

    private static List<FleetExemption> exemptions(StrictNode o, Set<String> memberIds, Map<String, FleetDevice> devices) {
        List<FleetExemption> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<StrictNode> nodes = o.objects("exemptions", false);
        for (int i = 0; i < nodes.size(); i++) {
            StrictNode e = nodes.get(i);
            String id = e.text("id", false);
            String member = e.text("member", true);
            String device = e.text("device", false);
            String reason = e.text("reason", true);
            String approvedBy = e.text("approvedBy", false);
            Object expiry = e.instantOrDate("expires", false);
            String status = e.oneOf("status", false, STATUSES);
            String requestedBy = e.text("requestedBy", false);
            e.rejectUnknownFields();
            if (status == null) status = "granted";
            if (id == null) id = "exemption-" + (i + 1);
            if (!ids.add(id)) e.problem("id", "duplicate exemption id '" + id + "'");
            if (member != null && !memberIds.contains(member)) e.problem("member", "no member with id '" + member + "'");
            if (device != null) {
                FleetDevice d = devices.get(device);
                if (d == null) e.problem("device", "no device with id '" + device + "'");
                else if (member != null && !d.owner().equals(member)) e.problem("device", "device '" + device + "' belongs to '" + d.owner() + "', not '" + member + "'");
            }
            if (approvedBy == null && !status.equals("requested")) e.problem("approvedBy", "is required unless the status is requested");
            if (member != null && reason != null) {
                out.add(new FleetExemption(id, member, device, reason, approvedBy, expiry instanceof Instant instant ? instant : null,
                        expiry instanceof java.time.LocalDate day ? day : null, status, requestedBy));
            }
        }
        return out;
    }

    private static List<FleetEvent> events(StrictNode o, Map<String, FleetDevice> devices) {
        List<FleetEvent> out = new ArrayList<>();
        Map<String, Integer> enrolls = new HashMap<>();
        for (StrictNode e : o.objects("events", false)) {
            Instant at = e.instant("at", true);
            String device = e.text("device", true);
            var action = e.choice("action", true, FleetEvent.Action.class);
            String app = e.text("app", false);
            e.rejectUnknownFields();
            FleetDevice d = device == null ? null : devices.get(device);
            if (device != null && d == null) e.problem("device", "no device with id '" + device + "'");
            // Without an app, remove-app and install-app mean the policy's app on the device's platform: the
            // rehearsal names it (Fleet#forApp), since the fleet file alone does not know the policy.
            if (action != null && !action.concernsApp() && app != null) e.problem("app", "only remove-app and install-app name an app");
            if (action == FleetEvent.Action.ENROLL && device != null) {
                if (enrolls.merge(device, 1, Integer::sum) > 1) e.problem("device", "device '" + device + "' is enrolled by more than one event");
                if (d != null && d.mdm() == FleetDevice.Mdm.NONE) e.problem("action", "device '" + device + "' has no MDM to enroll in");
            }
            if (at != null && device != null && action != null) out.add(new FleetEvent(at, device, action, app));
        }
        out.sort(Comparator.comparing(FleetEvent::at));
        return out;
    }

    private static List<FleetAttestation> attestations(StrictNode o, Set<String> memberIds) {
        List<FleetAttestation> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (StrictNode a : o.objects("attestations", false)) {
            String member = a.text("member", true);
            Instant at = a.instant("at", true);
            a.rejectUnknownFields();
            if (member != null && !memberIds.contains(member)) a.problem("member", "no member with id '" + member + "'");
            if (member != null && at != null && !seen.add(member + "@" + at)) a.problem("at", "member '" + member + "' attests twice at " + at);
            if (member != null && at != null) out.add(new FleetAttestation(member, at));
        }
        out.sort(Comparator.comparing(FleetAttestation::at));
        return out;
    }

    /** Upper case, colon separated: the form the NAC and the simulators use. */
    public static String normaliseMac(String mac) {
        return mac.trim().toUpperCase(java.util.Locale.ROOT).replace('-', ':');
    }
}
