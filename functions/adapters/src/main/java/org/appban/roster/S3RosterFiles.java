package org.appban.roster;

import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** Reads rosters from S3. Rosters are small (thousands of rows), so reading the object whole is fine. */
public final class S3RosterFiles implements RosterFiles {
    private static final long MAX_BYTES = 10L * 1024 * 1024;
    private final Supplier<S3Client> s3;

    public S3RosterFiles(S3Client s3) {
        this(() -> s3);
    }

    /** With the client built on first use: a run that never calls S3 never pays for building its client (cold start). */
    public S3RosterFiles(Supplier<S3Client> s3) {
        this.s3 = s3;
    }

    @Override
    public RosterFile read(String bucket, String key) {
        ResponseBytes<GetObjectResponse> object;
        try {
            object = s3.get().getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build());
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            // Deleted (or renamed) between the upload and its import: nothing to import, and a retry cannot change it.
            throw new org.appban.input.InvalidInputException(bucket + "/" + key, "", "no such object: it was deleted or renamed"
                    + " after the upload that triggered this import; upload the roster again");
        } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
            throw new org.appban.input.InvalidInputException(bucket + "/" + key, "", "no such bucket '" + bucket + "'");
        }
        if (object.response().contentLength() != null && object.response().contentLength() > MAX_BYTES) {
            throw new org.appban.input.InvalidInputException(bucket + "/" + key, "", "roster larger than " + MAX_BYTES + " bytes");
        }
        String etag = object.response().eTag() == null ? "" : object.response().eTag().replace("\"", "");
        return new RosterFile(object.asByteArray(), etag);
    }
}
