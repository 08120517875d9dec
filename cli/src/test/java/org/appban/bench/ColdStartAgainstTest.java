package org.appban.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench coldstart --against OLD.jar} runs each function's handler as the older jar names it. */
class ColdStartAgainstTest {
    @TempDir
    Path dir;

    private Path jar(String... classes) throws IOException {
        Path jar = dir.resolve("old.jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String c : classes) {
                zip.putNextEntry(new ZipEntry(c));
                zip.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void a_handler_the_older_jar_has_under_the_same_name_is_run_as_it_is() throws IOException {
        Path jar = jar("org/appban/lambda/roster/RosterImportHandler.class", "org/appban/roster/RosterImportHandler.class");
        assertEquals("org.appban.lambda.roster.RosterImportHandler", ColdStartBench.handlerIn(jar, "org.appban.lambda.roster.RosterImportHandler"));
    }

    @Test
    void a_handler_that_moved_package_since_is_found_by_its_simple_name() throws IOException {
        Path jar = jar("org/appban/roster/RosterImportHandler.class", "org/appban/roster/RosterImport.class");
        assertEquals("org.appban.roster.RosterImportHandler", ColdStartBench.handlerIn(jar, "org.appban.lambda.roster.RosterImportHandler"));
    }

    @Test
    void a_handler_the_older_jar_does_not_have_is_refused_naming_it() throws IOException {
        Path jar = jar("org/appban/roster/RosterImport.class");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ColdStartBench.handlerIn(jar, "org.appban.lambda.ledger.LedgerDigestHandler"));
        assertEquals(jar + " has 0 classes named like org.appban.lambda.ledger.LedgerDigestHandler: []", e.getMessage());
    }
}
