package org.appban.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;

/** The shared emulator answers real SDK calls made through the functions' own client factory. */
class AwsEmulatorIT {
    private final AwsEmulator emulator = AwsEmulator.shared();

    @Test
    void it_is_one_emulator_per_jvm_on_a_loopback_or_configured_endpoint() {
        assertSame(emulator, AwsEmulator.shared());
        assertTrue(emulator.endpoint().getScheme().startsWith("http"), emulator.endpoint().toString());
    }

    @Test
    void s3_clients_from_aws_clients_store_and_return_objects() {
        S3Client s3 = emulator.clients().s3();
        String bucket = AwsEmulator.uniquePrefix("roster") + "bucket";
        s3.createBucket(r -> r.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(
                BucketLocationConstraint.fromValue(emulator.region().id()))));
        s3.putObject(r -> r.bucket(bucket).key("rosters/2023-03-17.csv"), RequestBody.fromString("id,name\nm-1,Aroha\n"));
        assertEquals("id,name\nm-1,Aroha\n", s3.getObjectAsBytes(r -> r.bucket(bucket).key("rosters/2023-03-17.csv")).asUtf8String());
    }

    @Test
    void dynamodb_clients_from_aws_clients_answer() {
        assertTrue(emulator.dynamoDb().listTables().tableNames() != null);
    }
}
