package org.appban.roster;

import org.appban.lambda.roster.RosterImportHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.appban.json.Json;
import org.appban.ledger.ChainVerifier;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.TemplateTables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The roster import function end to end on the emulator: an S3 event in, members and ledger in DynamoDB out. */
class RosterImportHandlerIT {
    private final AwsEmulator aws = AwsEmulator.shared();
    private final S3Client s3 = aws.clients().s3();
    private final String bucket = AwsEmulator.uniquePrefix("roster").toLowerCase() + "bucket";
    private TemplateTables.Created tables;
    private DynamoMemberStore members;
    private DynamoLedger ledger;
    private RosterImportHandler handler;

    @BeforeEach
    void setUp() {
        tables = TemplateTables.load().create(aws.dynamoDb(), AwsEmulator.uniquePrefix("roster"), "MembersTable", "LedgerTable");
        members = new DynamoMemberStore(aws.dynamoDb(), tables.name("MembersTable"));
        ledger = new DynamoLedger(aws.dynamoDb(), tables.name("LedgerTable"));
        RosterImport rosterImport = new RosterImport(new RosterParser(), members, ledger,
                Clock.fixed(Instant.parse("2023-03-16T20:00:00Z"), ZoneOffset.UTC));
        handler = new RosterImportHandler(rosterImport, new S3RosterFiles(s3));
        s3.createBucket(b -> b.bucket(bucket));
    }

    @AfterEach
    void tearDown() {
        tables.close();
    }

    private JsonNode invoke(String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.parse(out.toByteArray());
    }

    private String s3Event(String key) {
        return """
                {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                  "s3": {"bucket": {"name": "%s"}, "object": {"key": "%s"}}}]}
                """.formatted(bucket, key);
    }

    @Test
    void an_uploaded_roster_with_three_bad_rows_imports_seventeen_and_reimport_changes_nothing() throws IOException {
        s3.putObject(p -> p.bucket(bucket).key("rosters/march+2023.csv"), RequestBody.fromString(RosterImportTest.twentyRows()));
        JsonNode first = invoke(s3Event("rosters/march%2B2023.csv")).path("imports").get(0);
        assertEquals("imported", first.path("status").asText(), first.toString());
        assertEquals(17, first.path("created").size());
        assertEquals(3, first.path("rejected").size());
        assertEquals(5, first.path("rejected").get(0).path("line").asInt());
        assertEquals(17, members.all().size());

        JsonNode again = invoke(s3Event("rosters/march%2B2023.csv")).path("imports").get(0);
        assertEquals(0, again.path("created").size());
        assertEquals(17, again.path("unchanged").asInt());
        ChainVerifier verifier = new ChainVerifier();
        for (String chain : ledger.chains()) {
            assertTrue(verifier.verify(chain, ledger.chain(chain)).intact(), chain);
            if (chain.startsWith("member#")) assertEquals(1, ledger.chain(chain).size(), chain);
        }
    }

    @Test
    void a_manual_request_is_a_dry_run_unless_it_says_otherwise() throws IOException {
        s3.putObject(p -> p.bucket(bucket).key("r.json"), RequestBody.fromString(
                "[{\"id\":\"m1\",\"name\":\"Ana\",\"email\":\"ana@example.org\",\"role\":\"member\"}]"));
        JsonNode dry = invoke("{\"bucket\":\"" + bucket + "\",\"key\":\"r.json\"}");
        assertTrue(dry.path("dryRun").asBoolean());
        assertEquals(0, members.all().size());
        JsonNode real = invoke("{\"bucket\":\"" + bucket + "\",\"key\":\"r.json\",\"dryRun\":false}");
        assertFalse(real.path("dryRun").asBoolean());
        assertEquals(1, members.all().size());
    }

    @Test
    void a_malformed_manual_request_is_rejected_with_every_problem_named() throws IOException {
        JsonNode r = invoke("{\"bucket\": 7, \"dryrun\": false}");
        assertEquals("rejected", r.path("status").asText());
        String error = r.path("error").asText();
        assertTrue(error.contains("bucket: must be a string, found a number"), error);
        assertTrue(error.contains("key: is required"), error);
        assertTrue(error.contains("dryrun: unknown field"), error);
        assertEquals(0, members.all().size());
    }
}
