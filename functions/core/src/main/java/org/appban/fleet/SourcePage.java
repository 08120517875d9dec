package org.appban.fleet;

import java.util.List;

/**
 * One page of a source's listing (an MDM's devices, the NAC's endpoints) as a round that runs across invocations
 * reads it: the items, and where the listing goes on from ({@code next}, the source's own paging cursor: Graph's
 * nextLink, Jamf's page number, ISE's page), or null when this was the last page.
 */
public record SourcePage<T>(List<T> items, String next) {
    public SourcePage {
        items = List.copyOf(items);
    }

    public boolean last() {
        return next == null;
    }

    /**
     * The page at position {@code cursor} (a count of items already read; null: 0) of a listing that cannot resume
     * by itself: the listing is walked from its start and {@code size} items after the position kept. Correct for any
     * source, but a step costs the pages before its position: an adapter whose API pages by a cursor overrides it.
     */
    public static <T> SourcePage<T> byPosition(java.util.stream.Stream<T> listing, String cursor, int size) {
        long from;
        try {
            from = cursor == null ? 0 : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a listing position must be a number of items, was '" + cursor + "'");
        }
        if (from < 0) throw new IllegalArgumentException("a listing position must not be negative, was " + from);
        try (listing) {
            List<T> page = listing.skip(from).limit(size + 1L).toList();
            boolean more = page.size() > size;
            return new SourcePage<>(more ? page.subList(0, size) : page, more ? Long.toString(from + size) : null);
        }
    }
}
