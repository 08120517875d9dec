package org.appban.report;

import java.util.function.Supplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Reports in the reports bucket; the bucket's default encryption and versioning apply (template.yaml). */
public final class S3Reports implements Reports {
    private final Supplier<S3Client> s3;
    private final String bucket;

    public S3Reports(S3Client s3, String bucket) {
        this(() -> s3, bucket);
    }

    /** With the client built on first use: a run that never calls S3 never pays for building its client (cold start). */
    public S3Reports(Supplier<S3Client> s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public String put(String key, String contentType, byte[] content) {
        Reports.checkKey(key);
        s3.get().putObject(r -> r.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(content));
        return "s3://" + bucket + "/" + key;
    }
}
