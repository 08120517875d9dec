package org.appban.wiring;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.appban.remote.Secret;
import org.appban.secrets.SecretSource;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * A secret a function needs on its first request (the MDM webhook's HMAC key), read once per container and kept,
 * never in a SnapStart snapshot.
 *
 * <p>Why not in the snapshot: a snapshot is taken when a version is published and every environment restored from it,
 * for as long as the version serves, would start with the value it holds. A rotated secret (the MDM signs with the
 * new key once the rotation is done) would then be refused by restored environments until the next publication, and
 * the value would live in every copy of the snapshot, outside Secrets Manager's access control and audit. So the
 * value is dropped before a checkpoint (it is never read before one: priming signs with a key of its own) and read
 * after the restore, with the restore's credentials.
 *
 * <p>What that read costs the first request is taken off it: right after a restore the read starts on a thread of
 * its own, beside the runtime's hand-over of the event and beside the credentials' own fetch ({@link FunctionCredentials},
 * whose cache makes the read wait for that fetch rather than make another), so the first request finds the key read
 * or being read. If that early read fails, nothing is kept and the request reads it again, failing as it would
 * have. Without SnapStart there is no restore: the first request reads it.
 */
public final class SecretAfterRestore implements Supplier<Secret>, Resource {
    /** org.crac holds resources weakly. */
    private static final List<SecretAfterRestore> REGISTERED = new CopyOnWriteArrayList<>();

    private final SecretSource source;
    private final String arn;
    private volatile Secret value;
    private volatile CompletableFuture<Secret> early;

    private SecretAfterRestore(SecretSource source, String arn) {
        this.source = source;
        this.arn = arn;
    }

    /** The secret {@code arn} of {@code source}, read on first use or right after a restore. */
    public static SecretAfterRestore of(SecretSource source, String arn) {
        SecretAfterRestore secret = new SecretAfterRestore(source, arn);
        REGISTERED.add(secret);
        Core.getGlobalContext().register(secret);
        return secret;
    }

    @Override
    public Secret get() {
        Secret v = value;
        if (v != null) return v;
        CompletableFuture<Secret> e = early;
        if (e != null) {
            try {
                v = e.join();
                value = v;
                return v;
            } catch (CompletionException failed) {
                // Read again below, on this request, which then fails (or not) as it would have without the early read.
            }
        }
        synchronized (this) {
            if (value == null) value = source.secret(arn);
            return value;
        }
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        value = null;
        early = null;
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        value = null;
        early = prefetch();
    }

    /** Reads the secret on a daemon thread of its own; only after a restore, so nothing it reads is in a snapshot. */
    CompletableFuture<Secret> prefetch() {
        CompletableFuture<Secret> read = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("secret-prefetch").start(() -> {
            try {
                read.complete(source.secret(arn));
            } catch (RuntimeException e) {
                read.completeExceptionally(e);
            }
        });
        return read;
    }

    @Override
    public String toString() {
        return "SecretAfterRestore[" + arn + "]";
    }
}
