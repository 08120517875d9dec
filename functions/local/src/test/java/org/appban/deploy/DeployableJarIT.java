package org.appban.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.appban.testing.ProjectLayout;
import org.junit.jupiter.api.Test;

/**
 * The deployable jar holds the production rings and nothing of the local world: no class of functions/local (the
 * in-memory stores, the outbox, folder reports, LocalContext, the cold-start bench code), none of the CLI's benches
 * or rehearsal, no test class. It is compared with the classes folders themselves, so a class moved into local
 * is checked without this test naming it; and every class of lambda, adapters, application and core is there, so
 * the check cannot pass on an empty or stale jar.
 */
class DeployableJarIT {
    private final Path jar = ProjectLayout.root().resolve("functions/target/appban-functions-lambda.jar");

    @Test
    void the_jar_holds_every_production_class_and_none_of_local_or_the_benches() throws Exception {
        Set<String> inJar = new TreeSet<>();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                if (e.getName().startsWith("org/appban/") && e.getName().endsWith(".class")) inJar.add(e.getName());
            }
        }
        Set<String> local = classesIn(folderOf(org.appban.mail.OutboxMailer.class));
        assertTrue(local.contains("org/appban/mail/OutboxMailer.class") && local.contains("org/appban/coldstart/FirstInvocation.class")
                && local.contains("org/appban/lambda/LocalContext.class"), "the local module's classes: " + local.size());
        List<String> leaked = new ArrayList<>();
        for (String c : inJar) {
            if (local.contains(c) || c.startsWith("org/appban/bench/") || c.startsWith("org/appban/rehearsal/")
                    || c.startsWith("org/appban/coldstart/") || c.startsWith("org/appban/cli/") || c.startsWith("org/appban/locallambda/")
                    || c.startsWith("org/appban/sim/") || c.startsWith("org/appban/testing/") || c.contains("Outbox")
                    || c.contains("InMemory") || c.startsWith("org/appban/store/memory/")) leaked.add(c);
        }
        assertEquals(List.of(), leaked, "classes of the local world in " + jar);
        for (Class<?> ring : List.of(org.appban.domain.Member.class, org.appban.exemption.ExemptionService.class,
                org.appban.json.Json.class, org.appban.wiring.Production.class)) {
            Set<String> missing = new TreeSet<>(classesIn(folderOf(ring)));
            missing.removeAll(inJar);
            assertEquals(Set.of(), missing, "classes of " + folderOf(ring) + " missing from " + jar);
        }
    }

    private static Path folderOf(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The class files of a module's classes folder, or of its jar (the reactor hands verify the packaged modules). */
    private static Set<String> classesIn(Path folder) throws IOException {
        if (Files.isRegularFile(folder)) {
            try (ZipFile z = new ZipFile(folder.toFile())) {
                return Collections.list(z.entries()).stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class"))
                        .collect(Collectors.toCollection(TreeSet::new));
            }
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> folder.relativize(p).toString().replace('\\', '/')).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
