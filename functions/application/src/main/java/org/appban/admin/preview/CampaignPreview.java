package org.appban.admin.preview;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appban.admin.FleetSnapshot;
import org.appban.policy.BanPolicy;

/** Runs every function's {@link Previewer} over the same snapshot and window and merges what they say. Pure. */
public final class CampaignPreview {
    static final List<String> ASSUMPTIONS = List.of(
            "devices stay as the inventory last saw them (no app removed or installed, no compliance change)",
            "no exemption is granted, refused or revoked in the meantime; granted ones expire on their dates",
            "every scheduled run happens on time and succeeds",
            "the kill switch stays as it is now (an engaged kill switch stops the enforcement and network actions listed)");

    private final List<Previewer> previewers;

    public CampaignPreview(List<Previewer> previewers) {
        this.previewers = List.copyOf(previewers);
    }

    /** Notices, network access and enforcement, the previews built in here. */
    public static CampaignPreview standard(BanPolicy policy) {
        return new CampaignPreview(List.of(new NoticePreviewer(policy), new EnforcementPreviewer(), new NetworkAccessPreviewer()));
    }

    /** The same, with one function's previewer replaced (matched by {@link Previewer#function()}) or added. */
    public CampaignPreview with(Previewer replacement) {
        List<Previewer> list = new ArrayList<>();
        boolean replaced = false;
        for (Previewer p : previewers) {
            if (p.function().equals(replacement.function())) {
                list.add(replacement);
                replaced = true;
            } else {
                list.add(p);
            }
        }
        if (!replaced) list.add(replacement);
        return new CampaignPreview(list);
    }

    public List<String> functions() {
        return previewers.stream().map(Previewer::function).toList();
    }

    public PreviewReport preview(FleetSnapshot fleet, Instant from, Instant until) {
        if (!until.isAfter(from)) throw new IllegalArgumentException("the preview window ends (" + until + ") before it starts (" + from + ")");
        List<PreviewItem> all = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Previewer p : previewers) {
            List<PreviewItem> items = p.preview(fleet, from, until);
            counts.put(p.function(), items.size());
            all.addAll(items);
        }
        all.sort(Comparator.comparing(PreviewItem::at).thenComparing(PreviewItem::function)
                .thenComparing(i -> i.member() == null ? "" : i.member())
                .thenComparing(i -> i.device() == null ? "" : i.device()));
        List<PreviewItem> losses = all.stream().filter(PreviewItem::cutsAccess).toList();
        return new PreviewReport(from, until, List.copyOf(all), losses, counts, ASSUMPTIONS);
    }
}
