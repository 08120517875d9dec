package org.appban.fleet;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A set of fixed-width keys (one or two longs) that a sync run collects by the tens of thousands and then asks about,
 * held on local disk instead of the heap so that the run's heap does not grow with the fleet.
 *
 * <p>Keys are gathered a chunk at a time in memory ({@value #CHUNK_KEYS} keys at most); each full chunk is sorted and
 * written out as a run. {@link #seal()} merges the runs into one sorted file and maps it; {@link #contains} is then a
 * binary search over the mapped file (the operating system's page cache, not the heap). A set that never filled a
 * chunk stays in that chunk. The files are temporary (/tmp in Lambda) and deleted on close.
 */
public final class SortedKeyFile implements AutoCloseable {
    static final int CHUNK_KEYS = 1 << 14;

    private final int width;
    private long[] chunk;
    private int inChunk;
    private final List<Path> runs = new ArrayList<>();
    private Path merged;
    private LongBuffer sealed;
    private long size;

    /** @param width longs per key: 1 or 2 */
    public SortedKeyFile(int width) {
        if (width != 1 && width != 2) throw new IllegalArgumentException("width must be 1 or 2");
        this.width = width;
        this.chunk = new long[CHUNK_KEYS * width];
    }

    public void add(long hi) {
        add(hi, 0);
    }

    public void add(long hi, long lo) {
        if (sealed != null) throw new IllegalStateException("sealed: no more keys");
        chunk[inChunk * width] = hi;
        if (width == 2) chunk[inChunk * width + 1] = lo;
        inChunk++;
        size++;
        if (inChunk == CHUNK_KEYS) spill();
    }

    /** Keys added (duplicates counted). */
    public long size() {
        return size;
    }

    /** Ends the adding; afterwards only {@link #contains}. */
    public void seal() {
        if (sealed != null) return;
        if (runs.isEmpty()) {
            sort(chunk, width, 0, inChunk - 1);
            sealed = LongBuffer.wrap(chunk, 0, inChunk * width).slice();
            return;
        }
        if (inChunk > 0) spill();
        chunk = null;
        try {
            merged = Files.createTempFile("appban-keys-", ".bin");
            merge(merged);
            try (FileChannel ch = FileChannel.open(merged, StandardOpenOption.READ)) {
                sealed = ch.map(FileChannel.MapMode.READ_ONLY, 0, Files.size(merged)).asLongBuffer();
            }
            // The mapping outlives the file's name: deleting it now leaves nothing behind however the run ends.
            Files.deleteIfExists(merged);
            for (Path run : runs) Files.deleteIfExists(run);
            runs.clear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean contains(long hi) {
        return contains(hi, 0);
    }

    public boolean contains(long hi, long lo) {
        if (sealed == null) throw new IllegalStateException("seal() first");
        int lowIdx = 0;
        int high = sealed.limit() / width - 1;
        while (lowIdx <= high) {
            int mid = (lowIdx + high) >>> 1;
            int c = compare(sealed.get(mid * width), width == 2 ? sealed.get(mid * width + 1) : 0, hi, width == 2 ? lo : 0);
            if (c == 0) return true;
            if (c < 0) lowIdx = mid + 1;
            else high = mid - 1;
        }
        return false;
    }

    private void spill() {
        sort(chunk, width, 0, inChunk - 1);
        try {
            Path run = Files.createTempFile("appban-keys-run-", ".bin");
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
                for (int i = 0; i < inChunk * width; i++) out.writeLong(chunk[i]);
            }
            runs.add(run);
            inChunk = 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One cursor per run, merged smallest key first. */
    private void merge(Path target) throws IOException {
        final class Cursor {
            final DataInputStream in;
            long hi;
            long lo;

            Cursor(Path p) throws IOException {
                in = new DataInputStream(new BufferedInputStream(Files.newInputStream(p), 1 << 14));
            }

            boolean advance() throws IOException {
                try {
                    hi = in.readLong();
                    lo = width == 2 ? in.readLong() : 0;
                    return true;
                } catch (EOFException e) {
                    in.close();
                    return false;
                }
            }
        }
        PriorityQueue<Cursor> heads = new PriorityQueue<>((a, b) -> compare(a.hi, a.lo, b.hi, b.lo));
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(target), 1 << 16))) {
            for (Path run : runs) {
                Cursor c = new Cursor(run);
                if (c.advance()) heads.add(c);
            }
            while (!heads.isEmpty()) {
                Cursor c = heads.poll();
                out.writeLong(c.hi);
                if (width == 2) out.writeLong(c.lo);
                if (c.advance()) heads.add(c);
            }
        } finally {
            for (Cursor c : heads) c.in.close();
        }
    }

    private static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compare(aHi, bHi);
        return c != 0 ? c : Long.compare(aLo, bLo);
    }

    /** In-place quicksort of keys {@code from..to} (inclusive), each {@code width} longs. */
    private static void sort(long[] a, int width, int from, int to) {
        while (from < to) {
            if (to - from < 16) {
                for (int i = from + 1; i <= to; i++) {
                    for (int j = i; j > from && compare(a[(j - 1) * width], width == 2 ? a[(j - 1) * width + 1] : 0,
                            a[j * width], width == 2 ? a[j * width + 1] : 0) > 0; j--) swap(a, width, j, j - 1);
                }
                return;
            }
            int mid = (from + to) >>> 1;
            long pHi = a[mid * width];
            long pLo = width == 2 ? a[mid * width + 1] : 0;
            int i = from;
            int j = to;
            while (i <= j) {
                while (compare(a[i * width], width == 2 ? a[i * width + 1] : 0, pHi, pLo) < 0) i++;
                while (compare(a[j * width], width == 2 ? a[j * width + 1] : 0, pHi, pLo) > 0) j--;
                if (i <= j) swap(a, width, i++, j--);
            }
            // Recurse into the smaller side, loop on the larger: stack depth stays logarithmic.
            if (j - from < to - i) {
                sort(a, width, from, j);
                from = i;
            } else {
                sort(a, width, i, to);
                to = j;
            }
        }
    }

    private static void swap(long[] a, int width, int i, int j) {
        for (int k = 0; k < width; k++) {
            long t = a[i * width + k];
            a[i * width + k] = a[j * width + k];
            a[j * width + k] = t;
        }
    }

    @Override
    public void close() {
        try {
            for (Path run : runs) Files.deleteIfExists(run);
            if (merged != null) Files.deleteIfExists(merged);
        } catch (IOException e) {
            // A temporary file left in /tmp is harmless.
        }
        sealed = null;
        chunk = null;
    }
}
