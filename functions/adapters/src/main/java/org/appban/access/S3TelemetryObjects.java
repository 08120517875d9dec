package org.appban.access;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import org.appban.input.InvalidInputException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Log objects from S3, streamed (a day of DNS logs does not have to fit in the function's memory), gunzipped when
 * the key ends in {@code .gz} or the object says {@code Content-Encoding: gzip}.
 */
public final class S3TelemetryObjects implements TelemetryObjects {
    /** Larger objects are refused: split logs into objects a run can read within its timeout. */
    static final long MAX_BYTES = 512L * 1024 * 1024;

    private final Supplier<S3Client> s3;

    public S3TelemetryObjects(S3Client s3) {
        this(() -> s3);
    }

    /** With the client built on first use: a run that never calls S3 never pays for building its client (cold start). */
    public S3TelemetryObjects(Supplier<S3Client> s3) {
        this.s3 = s3;
    }

    @Override
    public LogObject open(String bucket, String key) {
        String where = "s3://" + bucket + "/" + key;
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.get().getObject(b -> b.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            throw new InvalidInputException(where, "", "no such object (deleted since the event?)");
        }
        GetObjectResponse meta = in.response();
        if (meta.contentLength() != null && meta.contentLength() > MAX_BYTES) {
            abort(in);
            throw new InvalidInputException(where, "", "is " + meta.contentLength() + " bytes, over the " + MAX_BYTES + " a run reads");
        }
        try {
            InputStream body = in;
            if (key.toLowerCase(java.util.Locale.ROOT).endsWith(".gz") || "gzip".equalsIgnoreCase(meta.contentEncoding())) body = new GZIPInputStream(in);
            String etag = meta.eTag() == null ? key : meta.eTag().replace("\"", "");
            return new LogObject(etag, new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            abort(in);
            throw new UncheckedIOException("cannot read " + where + ": " + e.getMessage(), e);
        }
    }

    private static void abort(ResponseInputStream<GetObjectResponse> in) {
        in.abort();
    }
}
