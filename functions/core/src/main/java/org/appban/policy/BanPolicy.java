package org.appban.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A ban, as data: which app, when it is announced and enforced, in which zone, what members are told and when,
 * and the limits the functions keep to. Nothing about a particular ban lives in code.
 */
public record BanPolicy(
        String id,
        String title,
        String organisation,
        BannedApp app,
        ZoneId zone,
        LocalDate announcement,
        LocalDateTime deadline,
        Notices notices,
        PrivateDevices privateDevices,
        Enforcement enforcement,
        Exemptions exemptions,
        Sender sender,
        Contact contact,
        ZoneOffset deadlineOffset,
        Administration administration,
        AdminDigest adminDigest) {

    /**
     * A policy whose deadline's local time has one offset in its zone (the loader refuses it otherwise).
     * {@code deadlineOffset} is the offset the policy wrote with a deadline in a daylight-saving overlap
     * ({@code 2025-10-26T01:30+01:00}: the first of the two 01:30s in London), null when the local time says it all.
     * Without an {@code administration} section its approvers administer and nothing waits for a second person;
     * without an {@code adminDigest}, no administrators' digest is sent.
     */
    public BanPolicy(String id, String title, String organisation, BannedApp app, ZoneId zone, LocalDate announcement,
                     LocalDateTime deadline, Notices notices, PrivateDevices privateDevices, Enforcement enforcement,
                     Exemptions exemptions, Sender sender, Contact contact, ZoneOffset deadlineOffset) {
        this(id, title, organisation, app, zone, announcement, deadline, notices, privateDevices, enforcement,
                exemptions, sender, contact, deadlineOffset, defaultAdministration(exemptions), null);
    }

    /** A policy with its administration section and without an administrators' digest. */
    public BanPolicy(String id, String title, String organisation, BannedApp app, ZoneId zone, LocalDate announcement,
                     LocalDateTime deadline, Notices notices, PrivateDevices privateDevices, Enforcement enforcement,
                     Exemptions exemptions, Sender sender, Contact contact, ZoneOffset deadlineOffset,
                     Administration administration) {
        this(id, title, organisation, app, zone, announcement, deadline, notices, privateDevices, enforcement,
                exemptions, sender, contact, deadlineOffset, administration, null);
    }

    /** A policy with an administrators' digest, administered by its approvers. */
    public BanPolicy(String id, String title, String organisation, BannedApp app, ZoneId zone, LocalDate announcement,
                     LocalDateTime deadline, Notices notices, PrivateDevices privateDevices, Enforcement enforcement,
                     Exemptions exemptions, Sender sender, Contact contact, ZoneOffset deadlineOffset,
                     AdminDigest adminDigest) {
        this(id, title, organisation, app, zone, announcement, deadline, notices, privateDevices, enforcement,
                exemptions, sender, contact, deadlineOffset, defaultAdministration(exemptions), adminDigest);
    }

    private static Administration defaultAdministration(Exemptions exemptions) {
        return Administration.byApprovers(exemptions == null ? List.of() : exemptions.approvers());
    }

    public BanPolicy(String id, String title, String organisation, BannedApp app, ZoneId zone, LocalDate announcement,
                     LocalDateTime deadline, Notices notices, PrivateDevices privateDevices, Enforcement enforcement,
                     Exemptions exemptions, Sender sender, Contact contact) {
        this(id, title, organisation, app, zone, announcement, deadline, notices, privateDevices, enforcement,
                exemptions, sender, contact, (ZoneOffset) null);
    }

    /**
     * The languages notices are written in ({@code notices.languages}): the template sets the policy ships, each a
     * language and where its files are, and the one a member without a language of the policy's gets.
     *
     * @param defaultLanguage the language of the stages' {@code subject} and of every member without one of the sets'
     * @param sets            one per language, the default's among them
     * @param bilingual       empty, or two of the sets' languages: every notice then carries both, the member's own
     *                        language first (a member with neither gets the pair in the order written)
     */
    public record Languages(String defaultLanguage, List<TemplateSetRef> sets, List<String> bilingual) {
        /** A policy that says nothing: the bundled English set for everyone. */
        public static final Languages BUNDLED_ONLY = new Languages("en", List.of(new TemplateSetRef("en", "classpath:templates")), List.of());

        public Languages {
            sets = List.copyOf(sets);
            bilingual = List.copyOf(bilingual);
        }

        public List<String> languages() {
            return sets.stream().map(TemplateSetRef::language).toList();
        }

        /**
         * The language a member's notices are written in: theirs when the policy ships it, else the set of their
         * language's primary subtag (a member marked {@code fr-ca} reads the {@code fr} set rather than the
         * default's), else the default.
         */
        public String forMember(String memberLanguage) {
            return shipped(memberLanguage).orElse(defaultLanguage);
        }

        /** The set's language that serves {@code memberLanguage}, if the policy ships one (see {@link #forMember}). */
        public java.util.Optional<String> shipped(String memberLanguage) {
            if (memberLanguage == null || memberLanguage.isBlank()) return java.util.Optional.empty();
            // Tags are compared ignoring case (pt-BR, pt-br): the roster writes them in lower case.
            java.util.Optional<String> exact = languages().stream().filter(memberLanguage::equalsIgnoreCase).findFirst();
            if (exact.isPresent()) return exact;
            int dash = memberLanguage.indexOf('-');
            if (dash <= 0) return java.util.Optional.empty();
            String primary = memberLanguage.substring(0, dash);
            return languages().stream().filter(primary::equalsIgnoreCase).findFirst();
        }

        /** The set of {@code language}, if the policy ships one. */
        public java.util.Optional<TemplateSetRef> set(String language) {
            return sets.stream().filter(s -> s.language().equals(language)).findFirst();
        }
    }

    /**
     * A template set a policy names.
     *
     * @param language  its language tag ({@code en}, {@code fr}, {@code mi}); the set's {@code templates.properties}
     *                  says its locale and how it writes dates
     * @param templates {@code classpath:FOLDER} (a set in the functions' jar) or a directory, relative to the policy
     *                  file's folder when the policy was read from a file
     */
    public record TemplateSetRef(String language, String templates, String title, String requestInstructions) {
        /** A set whose language reads the policy's own title and exemption instructions (the default's). */
        public TemplateSetRef(String language, String templates) {
            this(language, templates, null, null);
        }
    }

    /**
     * The policy's title in {@code language}: the set's own {@code title} for a language other than the default's
     * ({@code notices.languages.sets[i].title}, required there at load), else {@link #title()}.
     */
    public String titleIn(String language) {
        return notices.languages().set(language).map(TemplateSetRef::title).orElse(title);
    }

    /** How to ask for an exemption in {@code language}, as {@link #titleIn}: the set's own, else the policy's. */
    public String requestInstructionsIn(String language) {
        String own = notices.languages().set(language).map(TemplateSetRef::requestInstructions).orElse(null);
        return own != null ? own : exemptions.requestInstructions();
    }

    /**
     * The administrators' daily digest (optional in a policy file).
     *
     * @param sendTime   local time of day it goes out (its own schedule, in the policy's zone)
     * @param recipients the administrators' addresses, one digest each
     * @param statusUrl  where they read the full status report (https), or null
     */
    public record AdminDigest(LocalTime sendTime, List<String> recipients, String statusUrl) {
        public AdminDigest {
            recipients = List.copyOf(recipients);
        }
    }

    /**
     * @param sendTime            local time of day scheduled notices go out
     * @param weekendDaysBeforeDeadline within this many days before the deadline, weekends count as send days
     *                            (0: business days only throughout)
     * @param holidays            local dates that are not business days
     */
    public record Notices(LocalTime sendTime, int weekendDaysBeforeDeadline, List<LocalDate> holidays,
                          List<NoticeStage> stages, Set<StageKind> notSent, Languages languages) {
        public Notices {
            if (languages == null) languages = Languages.BUNDLED_ONLY;
        }

        /** A policy with a stage for every kind it sends and nothing said about kinds it does not. */
        public Notices(LocalTime sendTime, int weekendDaysBeforeDeadline, List<LocalDate> holidays, List<NoticeStage> stages) {
            this(sendTime, weekendDaysBeforeDeadline, holidays, stages, Set.of());
        }

        /** Notices in the bundled template set only. */
        public Notices(LocalTime sendTime, int weekendDaysBeforeDeadline, List<LocalDate> holidays,
                       List<NoticeStage> stages, Set<StageKind> notSent) {
            this(sendTime, weekendDaysBeforeDeadline, holidays, stages, notSent, Languages.BUNDLED_ONLY);
        }

        /**
         * True when the policy says, in {@code notices.notSent}, that this ban sends no notice of the kind: the
         * campaign records the occasion and tells nobody, by the author's choice rather than by an omission.
         */
        public boolean sendsNone(StageKind kind) {
            return notSent != null && notSent.contains(kind);
        }
        public Optional<NoticeStage> stage(String id) {
            return stages.stream().filter(s -> s.id().equals(id)).findFirst();
        }

        public Optional<NoticeStage> firstOfKind(StageKind kind) {
            return stages.stream().filter(s -> s.kind() == kind).findFirst();
        }
    }

    /**
     * @param graceDays          after the deadline, days a private device has before its network access is cut
     * @param quietPeriodDays    days without telemetry after which a quarantined device counts as clean
     * @param attestationLinkDays how long a signed attestation link stays valid
     */
    public record PrivateDevices(int graceDays, int quietPeriodDays, int attestationLinkDays) {
    }

    /**
     * @param escalateAfterDays days a corporate device may still carry the app after the deadline before escalation
     * @param maxDevicesPerRun  blast-radius cap: more devices than this in one run needs explicit confirmation
     * @param maxFleetShare     same, as a share of the in-scope fleet (0 to 1)
     */
    public record Enforcement(int escalateAfterDays, int maxDevicesPerRun, double maxFleetShare) {
    }

    /**
     * @param maxDays            the longest an exemption may be granted for
     * @param expiringNoticeDays how many days before expiry the member is told
     * @param approvers          identities allowed to grant or refuse
     */
    public record Exemptions(int maxDays, int expiringNoticeDays, List<String> approvers, String requestInstructions) {
    }

    /**
     * Who administers the deployed stack and which of their acts wait for a second administrator.
     *
     * @param administrators principal patterns ({@link org.appban.identity.PrincipalPattern}) allowed the admin
     *                       operations that change the world; exemption decisions are the approvers' (who may also
     *                       administer)
     */
    public record Administration(List<String> administrators, SecondApproval secondApproval) {
        public static Administration byApprovers(List<String> approvers) {
            return new Administration(List.copyOf(approvers), SecondApproval.NONE);
        }
    }

    /**
     * The two-person rule, as Intune's multi-admin approval: these acts of one administrator wait, as a pending
     * request, until a second, different administrator approves them.
     *
     * @param confirmAboveCap           a manual run's {@code confirm} past the blast-radius cap (the cap stops a run
     *                                  without one, so every confirm is one)
     * @param killSwitchOff             turning the kill switch off (resuming removals and quarantines)
     * @param exemptionsLongerThanDays  granting an exemption for longer than this many days (null: never)
     * @param pendingHours              how long a pending request waits for its second approval before it expires
     */
    public record SecondApproval(boolean confirmAboveCap, boolean killSwitchOff, Integer exemptionsLongerThanDays, int pendingHours) {
        public static final SecondApproval NONE = new SecondApproval(false, false, null, 24);

        public boolean any() {
            return confirmAboveCap || killSwitchOff || exemptionsLongerThanDays != null;
        }
    }

    public record Sender(String address, String name, String replyTo) {
    }

    public record Contact(String name, String email, String phone) {
    }

    public Optional<AdminDigest> digest() {
        return Optional.ofNullable(adminDigest);
    }

    public ZonedDateTime deadlineInZone() {
        return deadlineOffset == null ? deadline.atZone(zone) : ZonedDateTime.ofLocal(deadline, zone, deadlineOffset);
    }

    public Instant deadlineInstant() {
        return deadlineInZone().toInstant();
    }

    public Instant announcementInstant() {
        return announcement.atTime(notices.sendTime()).atZone(zone).toInstant();
    }

    /** The moment private devices that still carry the app lose network access. */
    public Instant privateGraceEnds() {
        return deadlineInZone().plusDays(privateDevices.graceDays()).toInstant();
    }
}
