package org.appban.admin.preview;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A campaign preview: every action in time order, the subset that takes something away from a member ("who loses
 * access when"), counts per function, and what the preview assumes.
 */
public record PreviewReport(Instant from, Instant until, List<PreviewItem> actions, List<PreviewItem> losesAccess,
                            Map<String, Integer> actionsByFunction, List<String> assumptions) {
}
