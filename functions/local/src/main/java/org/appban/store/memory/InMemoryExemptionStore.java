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
    /** When each exemption's next notice falls due (absent: none), as DynamoExemptionStore's sparse index holds it. */
    private final Map<String, java.time.Instant> noticeDue = new ConcurrentHashMap<>();

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
        noticeDueAt(exemption.id(), ExemptionStore.firstNoticeDue(exemption));
    }

    @Override
    public synchronized boolean transition(Exemption expected, Exemption updated) {
        Exemption current = exemptions.get(expected.id());
        if (current == null || current.status() != expected.status()) return false;
        exemptions.put(updated.id(), updated);
        noticeDueAt(updated.id(), ExemptionStore.firstNoticeDue(updated));
        return true;
    }

    @Override
    public synchronized Page noticesDue(java.time.Instant by, String from, int limit) {
        String after = readable(from);
        List<Pending> due = new ArrayList<>();
        noticeDue.forEach((id, at) -> {
            String position = position(at, id);
            if (!at.isAfter(by) && (after == null || position.compareTo(after) > 0)) due.add(new Pending(exemptions.get(id), position));
        });
        due.sort(Comparator.comparing(Pending::position));
        return due.size() <= limit ? new Page(due, true) : new Page(List.copyOf(due.subList(0, limit)), false);
    }

    @Override
    public synchronized void noticeDueAt(String id, java.time.Instant at) {
        if (at == null) noticeDue.remove(id);
        else if (exemptions.containsKey(id)) noticeDue.put(id, at);
    }

    private static final java.time.format.DateTimeFormatter AT =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(java.time.ZoneOffset.UTC);

    /** Orders by the instant, then the id: a fixed-width UTC time sorts as the instants do (as DynamoExemptionStore's). */
    private static String position(java.time.Instant at, String id) {
        return AT.format(at) + "|" + id;
    }

    /** The position, or null (from the first) when it is not one. */
    private static String readable(String position) {
        if (position == null) return null;
        int bar = position.indexOf('|');
        if (bar <= 0 || bar == position.length() - 1) return null;
        try {
            AT.parse(position.substring(0, bar));
            return position;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
