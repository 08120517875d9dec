package org.appban.ports;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;

/**
 * A ledger that passes every call to another: the base of decorators that watch or interrupt appends (the
 * rehearsal's timeline, the fault bench's crashes). Every method is forwarded here, so a decorator overrides only
 * what it changes and keeps the delegate's batched reads when the port gains one.
 */
public abstract class ForwardingLedger implements Ledger {
    protected final Ledger delegate;

    protected ForwardingLedger(Ledger delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public Appended append(LedgerRecord record) {
        return delegate.append(record);
    }

    @Override
    public Optional<LedgerEntry> byIdempotencyKey(String key) {
        return delegate.byIdempotencyKey(key);
    }

    @Override
    public Set<String> usedKeys(Collection<String> keys) {
        return delegate.usedKeys(keys);
    }

    @Override
    public List<LedgerEntry> chain(String chain) {
        return delegate.chain(chain);
    }

    @Override
    public List<String> chains() {
        return delegate.chains();
    }

    @Override
    public Map<String, List<LedgerEntry>> chainsNamed(List<String> names) {
        return delegate.chainsNamed(names);
    }

    @Override
    public List<LedgerEntry> aboutDevice(String deviceId) {
        return delegate.aboutDevice(deviceId);
    }

    @Override
    public Map<String, LedgerEntry> byIdempotencyKeys(java.util.Collection<String> keys) {
        return delegate.byIdempotencyKeys(keys);
    }

    @Override
    public List<LedgerEntry> chainFrom(String chain, java.time.Instant from) {
        return delegate.chainFrom(chain, from);
    }

    @Override
    public List<LedgerEntry> flagged(String action, java.time.Instant from) {
        return delegate.flagged(action, from);
    }

    @Override
    public Map<String, LedgerEntry> heads() {
        return delegate.heads();
    }

    @Override
    public Optional<org.appban.domain.CampaignTally> tally() {
        return delegate.tally();
    }

    @Override
    public void correctTally(Map<String, Long> delta, java.time.Instant checkedAt) {
        delegate.correctTally(delta, checkedAt);
    }
}
