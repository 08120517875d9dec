package org.appban.store.memory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.appban.domain.Device;
import org.appban.ports.DeviceStore;

/** Embedded adapter for the rehearsal and unit tests. */
public final class InMemoryDeviceStore implements DeviceStore {
    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    /** The sync's stamps, as the table's {@code syncShard}/{@code syncPeriod} attributes: dropped by a plain save. */
    private final Map<String, Stamp> stamps = new ConcurrentHashMap<>();

    private record Stamp(String source, long period, String owner) {
    }

    @Override
    public Optional<Device> find(String id) {
        return Optional.ofNullable(devices.get(id));
    }

    @Override
    public List<Device> ofOwner(String memberId) {
        return all().stream().filter(d -> d.owner().equals(memberId)).toList();
    }

    @Override
    public List<Device> all() {
        List<Device> list = new ArrayList<>(devices.values());
        list.sort(Comparator.comparing(Device::id));
        return list;
    }

    @Override
    public synchronized void save(Device device) {
        devices.put(device.id(), device);
        stamps.remove(device.id());
    }

    @Override
    public synchronized Map<String, Listed> findListed(Collection<String> ids, boolean consistent) {
        Map<String, Listed> found = new HashMap<>();
        for (String id : ids) {
            Device d = devices.get(id);
            if (d == null) continue;
            Stamp s = stamps.get(id);
            found.put(id, s == null ? new Listed(d, 0) : new Listed(d, s.period(), s.owner()));
        }
        return found;
    }

    @Override
    public boolean saveListed(Device device, String source, long period, long storedPeriod) {
        return saveListed(device, source, period, storedPeriod, null);
    }

    @Override
    public synchronized boolean saveListed(Device device, String source, long period, long storedPeriod, String owner) {
        Stamp now = stamps.get(device.id());
        if ((now == null ? 0 : now.period()) != storedPeriod) return false;
        devices.put(device.id(), device);
        if (device.retired()) stamps.remove(device.id());
        else stamps.put(device.id(), new Stamp(source, period, owner));
        return true;
    }

    /** In the index's order: by period, then id (the position is {@code period/id}). */
    @Override
    public synchronized StalePage stale(String source, int shard, long before, String after, int limit) {
        if (limit < 1) throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        Comparator<Map.Entry<String, Stamp>> order = Comparator.<Map.Entry<String, Stamp>>comparingLong(e -> e.getValue().period())
                .thenComparing(Map.Entry::getKey);
        List<String> in = stamps.entrySet().stream()
                .filter(e -> e.getValue().source().equals(source) && e.getValue().period() < before && DeviceStore.stampShard(e.getKey()) == shard)
                .filter(e -> after == null || position(e.getValue().period(), e.getKey()).compareTo(after) > 0)
                .sorted(order)
                .map(e -> position(e.getValue().period(), e.getKey()))
                .toList();
        List<String> page = in.subList(0, Math.min(limit, in.size()));
        return new StalePage(page.stream().map(p -> p.substring(p.indexOf('/') + 1)).toList(),
                in.size() > limit ? page.get(page.size() - 1) : null);
    }

    /** Sortable as the index sorts: the period zero-padded. */
    private static String position(long period, String id) {
        return String.format("%019d/%s", period, id);
    }
}
