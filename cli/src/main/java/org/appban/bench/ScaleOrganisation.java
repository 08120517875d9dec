package org.appban.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.json.Json;

/**
 * The organisation {@code ./appban bench scale} runs a campaign over, generated from a seed so that two runs of the
 * same size are the same organisation: {@code members} people, {@code devices} devices dealt to them in turn
 * (so every member has {@code devices / members} of them, give or take one), of which
 * <ul>
 *   <li>half corporate in Intune (iPhones and Android phones, supervised),</li>
 *   <li>a fifth corporate in Jamf Pro (supervised iPhones: the Jamf simulator manages iOS only),</li>
 *   <li>the rest private phones no MDM enrols, known only to the NAC (Cisco ISE's endpoints, by MAC address);</li>
 * </ul>
 * about a third of devices carrying the banned app, and one member in a hundred holding a granted exemption, a
 * tenth of those ending within the policy's expiring-notice window (so the sweep has notices to ask for).
 *
 * <p>The shares are fixed rather than options: the bench compares sizes, and the per-item figures only compare when
 * the mix is the same.
 */
public record ScaleOrganisation(int members, int devices, long seed) {
    public static final String APP = "com.zhiliaoapp.musically";
    static final String DOMAIN = "scale.example.org";

    public ScaleOrganisation {
        if (members < 1) throw new IllegalArgumentException("--members must be at least 1");
        if (devices < 0) throw new IllegalArgumentException("--devices must not be negative");
        if (devices > 16_000_000) throw new IllegalArgumentException("--devices above 16,000,000: the generated MAC addresses would repeat");
    }

    public enum Kind { INTUNE, JAMF, PRIVATE }

    /** Device {@code i}'s kind: the shares above, interleaved so that any prefix of the fleet has the same mix. */
    public static Kind kind(int i) {
        int slot = i % 10;
        return slot < 5 ? Kind.INTUNE : slot < 7 ? Kind.JAMF : Kind.PRIVATE;
    }

    public static String memberId(int i) {
        return String.format(Locale.ROOT, "m%07d", i);
    }

    public static String email(int i) {
        return String.format(Locale.ROOT, "m%07d@%s", i, DOMAIN);
    }

    public List<Member> roster() {
        List<Member> list = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            list.add(Member.active(memberId(i), "Member " + i, email(i), i % 4 == 0 ? Role.STAFF : Role.MEMBER));
        }
        return list;
    }

    /** Which devices carry the app: drawn from the seed, one in three. */
    public boolean[] withApp() {
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] with = new boolean[devices];
        for (int i = 0; i < devices; i++) with[i] = random.nextInt(3) == 0;
        return with;
    }

    /** The fleet file the simulators load (the format of infra/simulators' fleets): members and devices. */
    public String fleetJson(Instant startsAt) {
        ObjectNode root = Json.object();
        root.put("name", "scale bench: " + members + " members, " + devices + " devices, seed " + seed).put("startsAt", startsAt.toString());
        root.putArray("catalog").addObject().put("identifier", APP).put("name", "TikTok");
        ArrayNode people = root.putArray("members");
        for (Member m : roster()) {
            people.addObject().put("id", m.id()).put("name", m.name()).put("email", m.email()).put("role", m.role().name().toLowerCase(Locale.ROOT));
        }
        ArrayNode list = root.putArray("devices");
        boolean[] app = withApp();
        for (int i = 0; i < devices; i++) {
            Kind kind = kind(i);
            ObjectNode d = list.addObject();
            String platform = switch (kind) {
                case INTUNE -> i % 3 == 0 ? "android" : "ios";
                case JAMF -> "ios";
                case PRIVATE -> i % 2 == 0 ? "android" : "ios";
            };
            d.put("id", String.format(Locale.ROOT, "d%08d", i)).put("owner", memberId(i % members))
                    .put("ownership", kind == Kind.PRIVATE ? "private" : "corporate").put("platform", platform)
                    .put("model", kind == Kind.PRIVATE ? "Personal phone" : "Work phone")
                    .put("supervised", kind != Kind.PRIVATE).put("mdm", kind == Kind.INTUNE ? "intune" : kind == Kind.JAMF ? "jamf" : "none")
                    .put("mac", mac(i));
            if (kind != Kind.PRIVATE) d.put("checkInHours", checkInHours(i));
            ArrayNode apps = d.putArray("apps");
            if (app[i]) apps.add(APP);
        }
        return Json.write(root);
    }

    /**
     * How often MDM device {@code i} checks in: every 8 to 9 hours (Intune's rhythm is about 8), a different number of
     * seconds for each device. The simulators stagger a device's check-ins by its id's hash modulo its interval;
     * this fleet's ids ({@code d00000000}, ...) hash to nearly the same value, so at one interval the whole fleet
     * checked in at one instant, hours after the start, and the bench's next hour saw no check-in at all. With the
     * intervals spread, about an eighth of the MDMs' devices check in in any hour, as in a real fleet.
     */
    static double checkInHours(int i) {
        return 8 + Math.floorMod(i * 7919L, 3600) / 3600.0;
    }

    /** A locally administered, unique MAC address for device {@code i}. */
    static String mac(int i) {
        return String.format(Locale.ROOT, "02:5C:%02X:%02X:%02X:%02X", (i >> 24) & 0xFF, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF);
    }

    /**
     * One member in a hundred (every hundredth, so the count is {@code ceil(members / 100)}) with a granted exemption
     * for all their devices; one in ten of those ends within {@code expiringWithin} of {@code now}, the others run for
     * ninety days.
     */
    public List<Exemption> exemptions(Instant now, Duration expiringWithin) {
        List<Exemption> list = new ArrayList<>();
        for (int i = 0, n = 0; i < members; i += 100, n++) {
            Instant expires = n % 10 == 0 ? now.plus(expiringWithin).minus(Duration.ofHours(1)) : now.plus(Duration.ofDays(90));
            list.add(new Exemption(String.format(Locale.ROOT, "x%07d", i), memberId(i), null, "needed for the member's duties (generated)",
                    ExemptionStatus.GRANTED, memberId(i), now.minus(Duration.ofDays(2)), "scale-bench-approver", now.minus(Duration.ofDays(1)),
                    expires, null, null));
        }
        return list;
    }
}
