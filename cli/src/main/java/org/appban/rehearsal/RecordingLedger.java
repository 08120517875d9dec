package org.appban.rehearsal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.ports.ForwardingLedger;
import org.appban.ports.Ledger;

/** Passes appends through to the real ledger and tells the rehearsal's timeline about each entry written. */
final class RecordingLedger extends ForwardingLedger {
    private final Consumer<LedgerEntry> listener;
    private final List<LedgerEntry> written = new ArrayList<>();

    RecordingLedger(Ledger delegate, Consumer<LedgerEntry> listener) {
        super(delegate);
        this.listener = listener;
    }

    @Override
    public Appended append(LedgerRecord record) {
        Appended a;
        try {
            a = delegate.append(record);
        } catch (SimulatedCrash crash) {
            // The fault bench's process died just after the write: the entry is in the ledger all the same.
            if (record.idempotencyKey() != null) delegate.byIdempotencyKey(record.idempotencyKey()).ifPresent(this::saw);
            throw crash;
        }
        if (a.written()) saw(a.entry());
        return a;
    }

    private void saw(LedgerEntry entry) {
        synchronized (written) {
            written.add(entry);
        }
        listener.accept(entry);
    }

    List<LedgerEntry> written() {
        synchronized (written) {
            return List.copyOf(written);
        }
    }
}
