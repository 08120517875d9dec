package org.appban.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.appban.remote.Secret;
import org.appban.secrets.SecretSource;
import org.appban.secrets.SecretUnavailableException;
import org.appban.wiring.SecretAfterRestore;
import org.junit.jupiter.api.Test;

/**
 * The MDM webhook's key on SnapStart: never in a snapshot, read right after a restore on a thread of its own (so the
 * first request finds it read), once per container.
 */
class SecretAfterRestoreTest {
    static final String ARN = "arn:aws:secretsmanager:ap-southeast-2:111122223333:secret:webhook";

    /** Secrets Manager's answers, counted, with the thread that asked. */
    static final class Source implements SecretSource {
        final AtomicInteger reads = new AtomicInteger();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final CountDownLatch read = new CountDownLatch(1);
        volatile String value = "key-1";
        volatile boolean failing;

        @Override
        public Secret secret(String arn) {
            reads.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            try {
                if (failing) throw new SecretUnavailableException("cannot read secret " + arn + ": throttled");
                return new Secret(value);
            } finally {
                read.countDown();
            }
        }
    }

    @Test
    void withoutARestoreTheFirstRequestReadsItOnceAndItIsKept() {
        Source source = new Source();
        SecretAfterRestore secret = SecretAfterRestore.of(source, ARN);
        assertEquals(0, source.reads.get(), "nothing read when the function is built");
        assertEquals("key-1", secret.get().reveal());
        assertEquals("key-1", secret.get().reveal());
        assertEquals(1, source.reads.get());
    }

    @Test
    void afterARestoreItIsReadAtOnceOnAThreadOfItsOwnAndTheRequestUsesThatRead() throws InterruptedException {
        Source source = new Source();
        SecretAfterRestore secret = SecretAfterRestore.of(source, ARN);
        secret.beforeCheckpoint(null);
        secret.afterRestore(null);
        assertTrue(source.read.await(10, TimeUnit.SECONDS), "read without waiting for a request");
        assertEquals("key-1", secret.get().reveal());
        assertEquals(1, source.reads.get());
        assertEquals(List.of("secret-prefetch"), source.threads);
    }

    @Test
    void aValueReadBeforeACheckpointIsNotCarriedIntoTheRestore() {
        Source source = new Source();
        SecretAfterRestore secret = SecretAfterRestore.of(source, ARN);
        assertEquals("key-1", secret.get().reveal());
        secret.beforeCheckpoint(null);
        // Rotated while the snapshot waited to be restored: the restored function uses the new key.
        source.value = "key-2";
        secret.afterRestore(null);
        assertEquals("key-2", secret.get().reveal());
        assertEquals(2, source.reads.get());
    }

    @Test
    void aFailedEarlyReadIsNotKeptTheRequestReadsAgainAndFailsAsItWouldHave() throws InterruptedException {
        Source source = new Source();
        SecretAfterRestore secret = SecretAfterRestore.of(source, ARN);
        source.failing = true;
        secret.afterRestore(null);
        assertTrue(source.read.await(10, TimeUnit.SECONDS));
        SecretUnavailableException e = assertThrows(SecretUnavailableException.class, secret::get);
        assertTrue(e.getMessage().contains("throttled"), e.getMessage());
        source.failing = false;
        assertEquals("key-1", secret.get().reveal());
        assertEquals(3, source.reads.get());
    }
}
