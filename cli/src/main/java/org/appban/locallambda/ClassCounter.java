package org.appban.locallambda;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * How many classes a JVM has loaded so far, read from outside it: HotSpot's performance counters
 * ({@code /tmp/hsperfdata_USER/PID}, on by default, what {@code jstat -class} reads), so the function's JVM runs
 * with Lambda's flags and no agent, and the count can be taken at the exact moments the runtime API sees (an event
 * handed to the function, its answer posted). Unlike a time, the count does not depend on the machine's load: it
 * says how much of a function's path its first invocation still loads, which SnapStart priming is there to move
 * before the snapshot.
 */
final class ClassCounter {
    private static final int MAGIC = 0xcafec0c0;
    private final MappedByteBuffer data;
    private final int loaded;
    private final int sharedLoaded;

    private ClassCounter(MappedByteBuffer data, int loaded, int sharedLoaded) {
        this.data = data;
        this.loaded = loaded;
        this.sharedLoaded = sharedLoaded;
    }

    /** The counters of the JVM with process id {@code pid} (same user as this one); empty when it publishes none. */
    static java.util.Optional<ClassCounter> of(long pid) {
        Path file = Path.of("/tmp", "hsperfdata_" + System.getProperty("user.name"), Long.toString(pid));
        if (!Files.isRegularFile(file)) return java.util.Optional.empty();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            // The prologue: magic (big-endian bytes), the byte order of the rest, ..., the entries' offset and count.
            if (data.order(ByteOrder.BIG_ENDIAN).getInt(0) != MAGIC) return java.util.Optional.empty();
            data.order(data.get(4) == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            int offset = data.getInt(24);
            int entries = data.getInt(28);
            int loaded = -1;
            int shared = -1;
            for (int i = 0; i < entries && offset > 0 && offset < data.limit(); i++) {
                // An entry: its length, its name's offset, vector length, type, flags, units, variability, its data's offset.
                int length = data.getInt(offset);
                String name = name(data, offset + data.getInt(offset + 4));
                if (data.get(offset + 12) == 'J' && data.getInt(offset + 8) == 0) {
                    if (name.equals("java.cls.loadedClasses")) loaded = offset + data.getInt(offset + 16);
                    if (name.equals("java.cls.sharedLoadedClasses")) shared = offset + data.getInt(offset + 16);
                }
                if (length <= 0) break;
                offset += length;
            }
            return loaded < 0 || shared < 0 ? java.util.Optional.empty() : java.util.Optional.of(new ClassCounter(data, loaded, shared));
        } catch (IOException | RuntimeException e) {
            // A JVM that has gone, or counters not (yet) published: no count rather than a failed run.
            return java.util.Optional.empty();
        }
    }

    /** Classes loaded so far, from the class-data-sharing archive or not (jstat's "Loaded"). */
    long loaded() {
        return data.getLong(loaded) + data.getLong(sharedLoaded);
    }

    static OptionalLong loaded(java.util.Optional<ClassCounter> counter) {
        return counter.map(c -> OptionalLong.of(c.loaded())).orElse(OptionalLong.empty());
    }

    private static String name(MappedByteBuffer data, int at) {
        StringBuilder s = new StringBuilder();
        for (int i = at; i < data.limit() && data.get(i) != 0; i++) s.append((char) data.get(i));
        return s.toString();
    }
}
