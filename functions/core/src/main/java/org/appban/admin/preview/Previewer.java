package org.appban.admin.preview;

import java.time.Instant;
import java.util.List;
import org.appban.admin.FleetSnapshot;

/**
 * What one function would do, to whom and when, between two instants, if the fleet stayed as the snapshot has it.
 * Pure. Each function contributes one; the functions' own dry runs can replace these one by one.
 */
public interface Previewer {
    /** The function's name as administrators know it, e.g. {@code notify}, {@code enforcement}, {@code network-access}. */
    String function();

    /** Actions at or after {@code from} and before {@code until}, in any order. */
    List<PreviewItem> preview(FleetSnapshot fleet, Instant from, Instant until);
}
