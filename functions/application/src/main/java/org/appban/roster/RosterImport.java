package org.appban.roster;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.appban.domain.Actor;
import org.appban.domain.LedgerRecord;
import org.appban.domain.Member;
import org.appban.input.InvalidInputException;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;

/**
 * Brings the stored roster in line with a roster file: new members are added, changed ones updated, members no
 * longer on the roster marked inactive (never deleted: their ledger history must stay attributable). Each change
 * is recorded in the ledger under a key derived from the file's content, so importing the same file again, or a
 * Lambda retry half-way through, changes and records nothing twice.
 */
public final class RosterImport {
    /**
     * How many members one import may deactivate without an administrator's confirmation: more than {@code members}
     * AND more than {@code share} of the active members is held. A roster export that lost half its rows would
     * otherwise silently take those people out of every notice; normal turnover stays well under both.
     */
    public record DeactivationLimit(int members, double share) {
        public static final DeactivationLimit DEFAULT = new DeactivationLimit(10, 0.10);

        boolean holds(int deactivating, int active) {
            return deactivating > members && deactivating > share * active;
        }
    }

    private final RosterFormat parser;
    private final MemberStore members;
    private final Ledger ledger;
    private final Clock clock;
    private final DeactivationLimit limit;

    public RosterImport(RosterFormat parser, MemberStore members, Ledger ledger, Clock clock) {
        this(parser, members, ledger, clock, DeactivationLimit.DEFAULT);
    }

    public RosterImport(RosterFormat parser, MemberStore members, Ledger ledger, Clock clock, DeactivationLimit limit) {
        this.parser = parser;
        this.members = members;
        this.ledger = ledger;
        this.clock = clock;
        this.limit = limit;
    }

    /** This function's name in run authorisations (the admin function's {@code roster.run}). */
    public static final String FUNCTION = "roster-import";

    /** Records and returns the refusal of a direct request that needs a proven caller ({@link org.appban.identity.DirectInvocation}). */
    public org.appban.input.InvalidInputException refuseUnproven(String request, String instead) {
        return org.appban.identity.DirectInvocation.refuse(ledger, clock.instant(), FUNCTION, request, instead);
    }

    /** The import an administrator authorised through the admin function URL ({@link org.appban.identity.AuthorisedRuns}). */
    public org.appban.identity.AuthorisedRuns.Redeemed redeem(String authorisation, String eventId) {
        return org.appban.identity.AuthorisedRuns.redeem(ledger, clock.instant(), FUNCTION, authorisation, eventId);
    }

    public RosterImportReport importFile(String source, String contentTag, byte[] content, Actor actor, boolean dryRun) {
        return importFile(source, contentTag, content, actor, dryRun, null);
    }

    /**
     * @param source     where the file came from (bucket/key or path), for the report and the ledger
     * @param contentTag a stable fingerprint of the content (S3 ETag or a hash), part of the ledger keys
     * @param confirm    an administrator's go-ahead to deactivate this many members (null: none)
     */
    public RosterImportReport importFile(String source, String contentTag, byte[] content, Actor actor, boolean dryRun,
                                         Integer confirm) {
        return importFile(source, contentTag, content, actor, dryRun, confirm, () -> true);
    }

    /** Members written per step: one BatchWriteItem holds 25, so a step is ten of them, and the time check between. */
    static final int STEP = 250;

    /**
     * As above, stopping between steps once {@code timeLeft} says no: the report is then {@code continuing}, with
     * the rows still to write, and the caller hands the rest on as work (RosterImportHandler). Continuing is the same
     * call again: what was written reads back as unchanged, so it converges on the file however often it stops.
     * Within a step the ledger records come first, then the members' batch: a stop between the two re-finds the
     * records by their keys and writes the members.
     */
    public RosterImportReport importFile(String source, String contentTag, byte[] content, Actor actor, boolean dryRun,
                                         Integer confirm, java.util.function.BooleanSupplier timeLeft) {
        ParsedRoster roster;
        try {
            roster = parser.parse(source, content);
        } catch (InvalidInputException e) {
            record(actor, null, "roster.rejected", "failed", dryRun, key(contentTag, "file", "rejected", dryRun),
                    Map.of("source", source, "error", e.getMessage()));
            return RosterImportReport.failed(source, e.getMessage());
        }
        int rows = roster.members().size() + roster.rejected().size();
        if (roster.members().isEmpty()) {
            // An empty or wholly broken roster must not deactivate everybody.
            record(actor, null, "roster.import", "nothing-imported", dryRun, key(contentTag, "file", "nothing-imported", dryRun),
                    Map.of("source", source, "rejected", Integer.toString(roster.rejected().size())));
            return new RosterImportReport("nothing-imported", source, rows, List.of(), List.of(), 0, List.of(), List.of(),
                    roster.rejected(), "no valid row: nothing was imported and nobody was deactivated", dryRun);
        }
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        int unchanged = 0;
        Set<String> onRoster = new HashSet<>();
        // One read of the roster table (a Scan, paged) rather than a GetItem per row: the rows are compared with it
        // and the members it has that the file has not are the ones leaving.
        Map<String, Member> stored = new LinkedHashMap<>();
        for (Member m : members.all()) stored.put(m.id(), m);
        // Ids are compared ignoring case, as within a file: an export that now writes 'M1' for the stored 'm1' names
        // the same person, who must not become a second member getting every notice twice.
        Map<String, String> storedIds = new HashMap<>();
        stored.keySet().forEach(id -> storedIds.putIfAbsent(id.toLowerCase(Locale.ROOT), id));
        List<RejectedRow> renamed = new ArrayList<>();
        int active = 0;
        List<Change> changes = new ArrayList<>();
        for (Member row : roster.members()) {
            String storedId = stored.containsKey(row.id()) ? null : storedIds.get(row.id().toLowerCase(Locale.ROOT));
            Member incoming = storedId == null ? row : row.withId(storedId);
            if (storedId != null) {
                renamed.add(new RejectedRow(roster.lineOf(row.id()), row.id(), "id: '" + row.id() + "' is stored as '" + storedId
                        + "' (ids are compared ignoring case): the row updates that member; the roster's next export should write '"
                        + storedId + "'"));
            }
            onRoster.add(incoming.id());
            Optional<Member> existing = Optional.ofNullable(stored.get(incoming.id()));
            // The mail-blocked flag belongs to the system (set from bounces), not to the roster.
            Member target = existing.map(e -> incoming.withMailBlocked(e.mailBlocked())).orElse(incoming);
            if (target.active()) active++;
            if (existing.isPresent() && existing.get().equals(target)) {
                unchanged++;
                continue;
            }
            String action = existing.isEmpty() ? "roster.member-added" : "roster.member-updated";
            Map<String, String> details = new LinkedHashMap<>();
            details.put("source", source);
            details.put("before", existing.map(RosterImport::describe).orElse("none"));
            details.put("after", describe(target));
            existing.ifPresent(e -> details.put("changed", changed(e, target)));
            changes.add(new Change(target, action, details));
        }
        // Active members as the import leaves them (those on the file as it says, the others as stored), the same
        // whether or not this is a dry run.
        List<Member> leaving = new ArrayList<>();
        Set<String> rejectedIds = new HashSet<>();
        roster.rejectedIds().forEach(id -> rejectedIds.add(id.toLowerCase(Locale.ROOT)));
        for (Member m : stored.values()) {
            if (!m.active() || onRoster.contains(m.id())) continue;
            active++;
            if (!rejectedIds.contains(m.id().toLowerCase(Locale.ROOT))) leaving.add(m);
        }
        for (RejectedRow r : roster.rejected()) {
            record(actor, null, "roster.row-rejected", "rejected", dryRun, key(contentTag, "line-" + r.line(), "rejected", dryRun),
                    Map.of("source", source, "line", Integer.toString(r.line()), "reason", r.reason()));
        }
        // Rows imported with a field left out (an unknown language): each reported, as a rejected row is.
        for (RejectedRow r : roster.warnings()) {
            record(actor, null, "roster.row-warning", "imported", dryRun, key(contentTag, "line-" + r.line(), "warning", dryRun),
                    Map.of("source", source, "line", Integer.toString(r.line()), "reason", r.reason()));
        }
        for (RejectedRow r : renamed) {
            record(actor, null, "roster.row-warning", "imported", dryRun, key(contentTag, "line-" + r.line(), "stored-id", dryRun),
                    Map.of("source", source, "line", Integer.toString(r.line()), "reason", r.reason()));
        }
        List<RejectedRow> warnings = new ArrayList<>(roster.warnings());
        warnings.addAll(renamed);
        List<String> ids = leaving.stream().map(Member::id).toList();
        boolean confirmed = confirm != null && confirm >= leaving.size();
        boolean held = limit.holds(leaving.size(), active) && !confirmed;
        if (!held) {
            for (Member m : leaving) changes.add(new Change(m.deactivated(), "roster.member-deactivated", Map.of("source", source, "reason", "not on the roster")));
        }
        // The writes, a step at a time: additions and updates first, then deactivations (a roster cut short by the
        // time limit never leaves people deactivated whose replacements are not in yet).
        List<String> deactivated = new ArrayList<>();
        for (int from = 0; from < changes.size(); from += STEP) {
            if (!dryRun && from > 0 && !timeLeft.getAsBoolean()) {
                String why = (changes.size() - from) + " of " + changes.size() + " changes still to write when the invocation's time ran"
                        + " out: the rest is handed on and continues from the file";
                return new RosterImportReport("continuing", source, rows, created, updated, unchanged, deactivated, List.of(),
                        roster.rejected(), why, false, changes.size() - from).withWarnings(warnings);
            }
            List<Change> step = changes.subList(from, Math.min(changes.size(), from + STEP));
            List<LedgerRecord> records = new ArrayList<>(step.size());
            for (Change c : step) {
                String subject = c.action().equals("roster.member-deactivated") ? "deactivated" : c.action();
                records.add(new LedgerRecord(clock.instant(), actor, c.member().id(), null, c.action(), dryRun ? "would-do" : "ok", dryRun,
                        key(contentTag, c.member().id(), subject, dryRun), c.details()));
                switch (c.action()) {
                    case "roster.member-added" -> created.add(c.member().id());
                    case "roster.member-updated" -> updated.add(c.member().id());
                    default -> deactivated.add(c.member().id());
                }
            }
            ledger.appendAll(records);
            if (!dryRun) members.saveAll(step.stream().map(Change::member).toList());
        }
        // Members stored before the address index existed join it (the first import after the upgrade; later ones
        // find none). The import has just read the roster whole, so this costs it one more filtered read.
        if (!dryRun) members.indexAddresses();
        if (held) {
            String why = "the roster would deactivate " + leaving.size() + " of " + active + " active members, over the limit of "
                    + limit.members() + " members and " + Math.round(limit.share() * 100) + "%; additions and updates were applied, "
                    + "nobody was deactivated. If the roster is right, import it again with \"confirm\": " + leaving.size()
                    + " through the admin function URL (./appban admin roster BUCKET KEY --confirm " + leaving.size() + " --run)";
            record(actor, null, "roster.deactivations-held", "needs-confirmation", dryRun, key(contentTag, "deactivations", "held", dryRun),
                    Map.of("source", source, "members", Integer.toString(leaving.size()), "active", Integer.toString(active)));
            return new RosterImportReport("needs-confirmation", source, rows, created, updated, unchanged, List.of(), ids,
                    roster.rejected(), why, dryRun).withWarnings(warnings);
        }
        return new RosterImportReport("imported", source, rows, created, updated, unchanged, ids, List.of(), roster.rejected(), null, dryRun)
                .withWarnings(warnings);
    }

    /** One write of the import: the member as it will be stored, and its ledger record. */
    private record Change(Member member, String action, Map<String, String> details) {
    }

    private static String key(String contentTag, String subject, String action, boolean dryRun) {
        return dryRun ? null : "roster/" + contentTag + "/" + subject + "/" + action;
    }

    private void record(Actor actor, String member, String action, String outcome, boolean dryRun, String key, Map<String, String> details) {
        ledger.append(new LedgerRecord(clock.instant(), actor, member, null, action, outcome, dryRun, key, details));
    }

    /**
     * A member as the ledger may keep it: role and state, never the name or the address. The ledger cannot be
     * edited, so personal data written there could never be erased; the roster table keeps them, and the entry says
     * which of them changed ({@link #changed}) and where the new values came from ({@code source}).
     */
    private static String describe(Member m) {
        return m.role().wireName() + (m.active() ? "" : " inactive");
    }

    /** The fields an update changed, by name only ({@code name,email,role,active,language}), or {@code none}. */
    private static String changed(Member before, Member after) {
        List<String> fields = new ArrayList<>();
        if (!Objects.equals(before.name(), after.name())) fields.add("name");
        if (!Objects.equals(before.email(), after.email())) fields.add("email");
        if (before.role() != after.role()) fields.add("role");
        if (before.active() != after.active()) fields.add("active");
        if (!Objects.equals(before.language(), after.language())) fields.add("language");
        return fields.isEmpty() ? "none" : String.join(",", fields);
    }
}
