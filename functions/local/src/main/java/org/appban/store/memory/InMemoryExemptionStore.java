package org.appban.store.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.appban.domain.Exemption;
import org.appban.ports.ExemptionStore;

/** Embedded adapter for the rehearsal and unit tests. */
public final class InMemoryExemptionStore implements ExemptionStore {
    private final Map<String, Exemption> exemptions = new ConcurrentHashMap<>();

    @Override
    public Optional<Exemption> find(String id) {
        return Optional.ofNullable(exemptions.get(id));
    }

    @Override
    public List<Exemption> ofMember(String memberId) {
        return all().stream().filter(e -> e.member().equals(memberId)).toList();
    }

    @Override
    public List<Exemption> all() {
        List<Exemption> list = new ArrayList<>(exemptions.values());
        list.sort(Comparator.comparing(Exemption::id));
        return list;
    }

    @Override
    public void create(Exemption exemption) {
        if (exemptions.putIfAbsent(exemption.id(), exemption) != null) {
            throw new IllegalStateException("exemption " + exemption.id() + " already exists");
        }
    }

    @Override
    public synchronized boolean transition(Exemption expected, Exemption updated) {
        Exemption current = exemptions.get(expected.id());
        if (current == null || current.status() != expected.status()) return false;
        exemptions.put(updated.id(), updated);
        return true;
    }
}
