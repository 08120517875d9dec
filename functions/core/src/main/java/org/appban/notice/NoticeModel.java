package org.appban.notice;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.Platform;
import org.appban.mail.HeaderText;
import org.appban.policy.BanPolicy;

/**
 * The values a notice's templates (body and subject) can use. Everything is already in words or a flag: the
 * templates hold no logic beyond sections.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><td>organisation, policyTitle, appName, senderName</td><td>from the policy</td></tr>
 *   <tr><td>memberName, memberEmail</td><td>the recipient</td></tr>
 *   <tr><td>stageId, stageKind</td><td>the stage (kind as its wire name)</td></tr>
 *   <tr><td>deadlineText, deadlineDateText</td><td>"Friday 31 March 2023, 12:00 am NZDT", "Friday 31 March 2023"</td></tr>
 *   <tr><td>accessCutText, accessCutPassed</td><td>when private devices with the app lose network access; whether that is past</td></tr>
 *   <tr><td>deadlinePassed</td><td>whether the deadline is past at render time</td></tr>
 *   <tr><td>actionNeeded, confirmNeeded, noKnownDevice, nothingToDo</td><td>the member's standing, one true</td></tr>
 *   <tr><td>devices[], hasDevices</td><td>each: label, model, platform, ownership, corporate, private, and one
 *       fate flag of removedByMdm, removeYourself, checkPending, losesAccessUnlessRemoved, confirmClean, clean, exempt; whenText;
 *       exemptUntilText</td></tr>
 *   <tr><td>showIosSteps, showAndroidSteps, showOtherSteps</td><td>which removal steps to show (all when no device needs action)</td></tr>
 *   <tr><td>exemptionInstructions, exemptionUrl, attestationUrl, attestationLinkDays</td><td>how to ask for an exemption; the signed links (null: omitted)</td></tr>
 *   <tr><td>contactName, contactEmail, contactPhone</td><td>who to ask</td></tr>
 *   <tr><td>device</td><td>event notices: the device it is about (same shape as a devices[] entry), or null</td></tr>
 *   <tr><td>occurredText</td><td>event notices: when it happened</td></tr>
 *   <tr><td>exemptionExpiresText, exemptionDeviceLabel, exemptionAllDevices, exemptionReason</td><td>exemption notices</td></tr>
 * </table>
 */
public final class NoticeModel {
    /** Every key {@link #build} writes: a template may name these and no others (checked when templates load). */
    public static final java.util.Set<String> KEYS = java.util.Set.of("organisation", "policyTitle", "appName", "senderName",
            "memberName", "memberEmail", "stageId", "stageKind", "deadlineText", "deadlineDateText", "deadlinePassed",
            "accessCutText", "accessCutPassed", "actionNeeded", "confirmNeeded", "noKnownDevice", "nothingToDo", "devices",
            "hasDevices", "showIosSteps", "showAndroidSteps", "showOtherSteps", "exemptionInstructions", "exemptionUrl",
            "attestationUrl", "attestationLinkDays", "contactName", "contactEmail", "contactPhone", "device", "occurredText",
            "exemptionExpiresText", "exemptionAllDevices", "exemptionDeviceLabel", "exemptionReason");
    /** The keys of each {@code devices[]} entry and of {@code device}. */
    public static final java.util.Set<String> DEVICE_KEYS = java.util.Set.of("label", "model", "platform", "ownership", "corporate",
            "private", "removedByMdm", "checkPending", "removeYourself", "losesAccessUnlessRemoved", "confirmClean", "clean", "exempt", "whenText",
            "exemptUntilText");

    private final BanPolicy policy;
    private final PeopleTime time;
    private final String language;

    /** A model in the policy's default language. */
    public NoticeModel(BanPolicy policy, PeopleTime time) {
        this(policy, time, policy.notices().languages().defaultLanguage());
    }

    /** A model whose policy words (the ban's title, how to ask for an exemption) are in {@code language}. */
    public NoticeModel(BanPolicy policy, PeopleTime time, String language) {
        this.policy = policy;
        this.time = time;
        this.language = language;
    }

    public Map<String, Object> build(DueNotice notice, NoticeLinks links, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("organisation", policy.organisation());
        m.put("policyTitle", policy.titleIn(language));
        m.put("appName", policy.app().name());
        m.put("senderName", policy.sender().name());
        // Names come from the roster and the MDM: one line each, whatever they contain.
        m.put("memberName", HeaderText.clean(notice.member().name()));
        m.put("memberEmail", notice.member().email());
        m.put("stageId", notice.stage().id());
        m.put("stageKind", notice.stage().kind().wireName());
        m.put("deadlineText", time.dateTime(policy.deadlineInstant()));
        m.put("deadlineDateText", time.date(policy.deadlineInstant()));
        m.put("deadlinePassed", !now.isBefore(policy.deadlineInstant()));
        m.put("accessCutText", time.dateTime(policy.privateGraceEnds()));
        m.put("accessCutPassed", !now.isBefore(policy.privateGraceEnds()));

        MemberStanding standing = notice.standing();
        m.put("actionNeeded", standing == MemberStanding.ACTION_NEEDED);
        m.put("confirmNeeded", standing == MemberStanding.CONFIRM_NEEDED);
        m.put("noKnownDevice", standing == MemberStanding.NO_KNOWN_DEVICE);
        m.put("nothingToDo", standing == MemberStanding.NOTHING_TO_DO);

        List<Map<String, Object>> devices = new ArrayList<>();
        for (DeviceLine line : notice.devices()) devices.add(device(line.device(), line));
        m.put("devices", devices);
        m.put("hasDevices", !devices.isEmpty());
        Set<Platform> stepsFor = platformsNeedingSteps(notice.devices());
        m.put("showIosSteps", stepsFor.contains(Platform.IOS));
        m.put("showAndroidSteps", stepsFor.contains(Platform.ANDROID));
        m.put("showOtherSteps", stepsFor.contains(Platform.OTHER));

        m.put("exemptionInstructions", policy.requestInstructionsIn(language));
        m.put("exemptionUrl", links.exemptionUrl());
        m.put("attestationUrl", links.attestationUrl());
        m.put("attestationLinkDays", policy.privateDevices().attestationLinkDays());
        m.put("contactName", policy.contact().name());
        m.put("contactEmail", policy.contact().email());
        m.put("contactPhone", policy.contact().phone());

        DeviceLine subjectLine = notice.device() == null ? null : notice.devices().stream()
                .filter(l -> l.device().id().equals(notice.device().id())).findFirst().orElse(null);
        m.put("device", notice.device() == null ? null : device(notice.device(), subjectLine));
        m.put("occurredText", notice.request() == null ? null : time.dateTime(notice.request().occurredAt()));
        Exemption e = notice.exemption();
        m.put("exemptionExpiresText", e == null ? null : time.dateTime(e.expires()));
        m.put("exemptionAllDevices", e != null && e.coversWholeMember());
        m.put("exemptionDeviceLabel", e == null || e.device() == null ? null : deviceLabel(notice, e.device()));
        m.put("exemptionReason", e == null ? null : e.reason());
        return m;
    }

    private Map<String, Object> device(Device d, DeviceLine line) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", HeaderText.clean(d.label()));
        m.put("model", d.model() == null || d.model().isBlank() ? d.platform().displayName() + " device" : HeaderText.clean(d.model()));
        m.put("platform", d.platform().displayName());
        m.put("ownership", d.ownership().wireName());
        m.put("corporate", d.isCorporate());
        m.put("private", d.isPrivate());
        DeviceFate fate = line == null ? null : line.fate();
        m.put("removedByMdm", fate == DeviceFate.REMOVED_BY_MDM);
        m.put("checkPending", fate == DeviceFate.CHECK_PENDING);
        m.put("removeYourself", fate == DeviceFate.REMOVE_YOURSELF);
        m.put("losesAccessUnlessRemoved", fate == DeviceFate.LOSES_ACCESS_UNLESS_REMOVED);
        m.put("confirmClean", fate == DeviceFate.CONFIRM_CLEAN);
        m.put("clean", fate == DeviceFate.CLEAN);
        m.put("exempt", fate == DeviceFate.EXEMPT);
        m.put("whenText", line == null ? null : time.dateTime(line.when()));
        m.put("exemptUntilText", line == null || line.exemption() == null ? null : time.dateTime(line.exemption().expires()));
        return m;
    }

    private static String deviceLabel(DueNotice notice, String deviceId) {
        return notice.devices().stream().map(DeviceLine::device).filter(d -> d.id().equals(deviceId))
                .map(d -> HeaderText.clean(d.label())).findFirst().orElse(deviceId);
    }

    /** Steps for the platforms of devices the member must act on; all steps when none is known to need it. */
    private static Set<Platform> platformsNeedingSteps(List<DeviceLine> lines) {
        Set<Platform> platforms = EnumSet.noneOf(Platform.class);
        for (DeviceLine l : lines) {
            if (l.fate().needsAction()) {
                platforms.add(group(l.device().platform()));
            }
        }
        return platforms.isEmpty() ? EnumSet.of(Platform.IOS, Platform.ANDROID, Platform.OTHER) : platforms;
    }

    private static Platform group(Platform p) {
        return p == Platform.IOS || p == Platform.ANDROID ? p : Platform.OTHER;
    }
}
