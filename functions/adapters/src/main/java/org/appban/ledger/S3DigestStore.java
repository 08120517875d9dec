package org.appban.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Digests in the stack's digest bucket (template.yaml {@code LedgerDigestBucket}): Object Lock in compliance mode with
 * a default retention, so each version is kept unchanged until it expires, whoever asks; the bucket policy also
 * refuses any PutObject that is not conditional on the key being new ({@code If-None-Match: *}), so a digest cannot be
 * overwritten by a newer version either. Writes are therefore {@code If-None-Match: *}: the loser of a race for a
 * number gets 412 and tries the next one.
 */
public final class S3DigestStore implements DigestStore {
    static final String PREFIX = "digests/";
    private final Supplier<S3Client> s3;
    private final String bucket;

    public S3DigestStore(Supplier<S3Client> s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** Keys count down ({@link LedgerDigest#key}), so the first key listed is the newest digest: one List, one Get. */
    @Override
    public Optional<Stored> newest() {
        List<S3Object> first = s3.get().listObjectsV2(r -> r.bucket(bucket).prefix(PREFIX).maxKeys(1)).contents();
        return first.isEmpty() ? Optional.empty() : Optional.of(read(first.get(0).key()));
    }

    @Override
    public List<Stored> all() {
        List<String> keys = new ArrayList<>();
        s3.get().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(PREFIX)).contents().forEach(o -> keys.add(o.key()));
        Collections.reverse(keys);
        List<Stored> all = new ArrayList<>(keys.size());
        for (String key : keys) all.add(read(key));
        return all;
    }

    /**
     * Lists from the newest key (the listing's order) and stops at the first page past {@code key}: the older digests
     * are neither listed further nor read.
     */
    @Override
    public List<Stored> since(String key) {
        List<String> keys = new ArrayList<>();
        String token = null;
        do {
            String page = token;
            ListObjectsV2Response r = s3.get().listObjectsV2(b -> b.bucket(bucket).prefix(PREFIX).continuationToken(page));
            boolean past = false;
            for (S3Object o : r.contents()) {
                if (o.key().compareTo(key) > 0) {
                    past = true;
                    break;
                }
                keys.add(o.key());
            }
            token = past ? null : r.nextContinuationToken();
        } while (token != null);
        Collections.reverse(keys);
        List<Stored> since = new ArrayList<>(keys.size());
        for (String k : keys) since.add(read(k));
        return since;
    }

    @Override
    public boolean create(String key, byte[] bytes) {
        try {
            s3.get().putObject(r -> r.bucket(bucket).key(key).ifNoneMatch("*").contentType("application/json"),
                    RequestBody.fromBytes(bytes));
            return true;
        } catch (S3Exception e) {
            // 412: the key exists. 409: a concurrent conditional write of the same key is in flight; either way
            // someone else has this number.
            if (e.statusCode() == 412 || e.statusCode() == 409) return false;
            throw e;
        }
    }

    private Stored read(String key) {
        return new Stored(key, s3.get().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray());
    }
}
