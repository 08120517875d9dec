package org.appban.fleet.intune;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.appban.remote.RemoteFailure;
import org.appban.json.Json;

/**
 * Listed devices set aside until the data they need arrives (the app holders), each with only the fields the
 * inventory reads. The first {@value #IN_MEMORY} stay in the heap; past that all of them go to local disk, one JSON
 * line each, in a file created then and deleted on close. Local disk, not heap, for a large fleet: most of its
 * corporate devices may be listed before the holders are known. A small one never touches the disk.
 */
final class ParkedDevices implements AutoCloseable {
    /** The managedDevice fields the inventory reads; the rest of Graph's record is dropped. */
    static final List<String> FIELDS = List.of("id", "emailAddress", "userPrincipalName", "managedDeviceOwnerType", "operatingSystem",
            "model", "isSupervised", "wiFiMacAddress", "complianceState", "lastSyncDateTime", "serialNumber");
    /** Ten pages of Graph's: about a megabyte of slim records, freed when they go to disk. */
    static final int IN_MEMORY = 1000;

    private final List<JsonNode> held = new ArrayList<>();
    private Path file;
    private BufferedWriter out;
    private BufferedReader in;
    private int count;

    void park(List<JsonNode> devices) {
        try {
            for (JsonNode d : devices) {
                ObjectNode slim = Json.object();
                for (String f : FIELDS) if (d.has(f)) slim.set(f, d.get(f));
                count++;
                if (out == null && held.size() < IN_MEMORY) {
                    held.add(slim);
                    continue;
                }
                if (out == null) spill();
                write(slim);
            }
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private void spill() throws IOException {
        file = Files.createTempFile("appban-intune-parked-", ".jsonl");
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        for (JsonNode d : held) write(d);
        held.clear();
    }

    private void write(JsonNode slim) throws IOException {
        out.write(Json.write(slim));
        out.newLine();
    }

    /** True once the devices went to local disk. */
    boolean onDisk() {
        return file != null;
    }

    int count() {
        return count;
    }

    /** The parked devices in the order parked, {@code pageSize} at a time, read as they are iterated. */
    Iterable<List<JsonNode>> replay(int pageSize) {
        if (out == null) {
            List<List<JsonNode>> pages = new ArrayList<>();
            for (int from = 0; from < held.size(); from += pageSize) pages.add(held.subList(from, Math.min(held.size(), from + pageSize)));
            return pages;
        }
        try {
            out.close();
            in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            return () -> new Iterator<>() {
                private List<JsonNode> next = read();

                private List<JsonNode> read() {
                    try {
                        List<JsonNode> page = new ArrayList<>(pageSize);
                        String line;
                        while (page.size() < pageSize && (line = in.readLine()) != null) page.add(Json.parse(line));
                        if (page.isEmpty()) in.close();
                        return page;
                    } catch (IOException e) {
                        throw failure(e);
                    }
                }

                @Override
                public boolean hasNext() {
                    return !next.isEmpty();
                }

                @Override
                public List<JsonNode> next() {
                    if (next.isEmpty()) throw new NoSuchElementException();
                    List<JsonNode> page = next;
                    next = read();
                    return page;
                }
            };
        } catch (IOException e) {
            throw failure(e);
        }
    }

    private static RemoteFailure failure(IOException e) {
        // Not the API's fault, but the same consequence for the sync: the listing is incomplete, mark nothing gone.
        return new RemoteFailure(RemoteFailure.Kind.TRANSIENT, "intune", "park listed devices on local disk", 0, e.toString(), e);
    }

    @Override
    public void close() {
        try {
            if (out != null) out.close();
            if (in != null) in.close();
            if (file != null) Files.deleteIfExists(file);
        } catch (IOException e) {
            // A temporary file left behind in /tmp is harmless; the listing's outcome does not depend on it.
        }
    }
}
