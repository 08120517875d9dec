package org.appban.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.appban.testing.ProjectLayout;
import org.junit.jupiter.api.Test;

/**
 * The deployable jar (functions/target/appban-functions-lambda.jar, from the shade plugin): under 20 MB, and what
 * functions/pom.xml cut from the SDK leaves nothing the kept classes need. Every SDK service class in the jar is
 * loaded and initialised in a class loader of its own; the only classes allowed to fail are the request classes of
 * operations the jar does not carry (kept bare because the sync clients' bytecode names them; never initialised at
 * run time) and the CRT-based S3 classes (aws-crt is not a dependency). TemplateContractIT then runs every function
 * on this jar.
 */
class ShadedJarIT {
    private static final long LIMIT = 20_000_000;
    private final Path jar = ProjectLayout.root().resolve("functions/target/appban-functions-lambda.jar");

    @Test
    void the_jar_is_under_20_mb_without_async_clients_joda_or_lambda_events() throws IOException {
        assertTrue(Files.size(jar) < LIMIT, jar + " is " + Files.size(jar) + " bytes");
        try (ZipFile z = new ZipFile(jar.toFile())) {
            List<String> unwanted = new ArrayList<>();
            for (ZipEntry e : Collections.list(z.entries())) {
                String n = e.getName();
                boolean asyncClient = n.matches("software/amazon/awssdk/services/[a-z0-9]+/(Default)?[A-Za-z0-9]*AsyncClient[^/]*\\.class");
                if (asyncClient || n.startsWith("org/joda/") || n.startsWith("com/amazonaws/services/lambda/runtime/events/")
                        || n.startsWith("org/apache/hc/") || n.startsWith("io/netty/")) unwanted.add(n);
            }
            assertEquals(List.of(), unwanted.stream().limit(10).toList());
        }
    }

    @Test
    void every_kept_sdk_service_class_loads_and_initialises() throws Exception {
        List<String> failures = new ArrayList<>();
        int loaded = 0;
        try (ZipFile z = new ZipFile(jar.toFile());
             URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Set<String> entries = new TreeSet<>();
            Collections.list(z.entries()).forEach(e -> entries.add(e.getName()));
            for (String name : entries) {
                if (!name.startsWith("software/amazon/awssdk/services/") || !name.endsWith(".class")) continue;
                String base = name.substring(0, name.length() - ".class".length());
                if (base.contains("/model/") && base.endsWith("Request") && !entries.contains(base + "$Builder.class")) continue;
                try {
                    Class.forName(base.replace('/', '.'), true, loader);
                    loaded++;
                } catch (Throwable t) {
                    String why = String.valueOf(t);
                    if (why.contains("software/amazon/awssdk/crt/")) continue;
                    failures.add(base + ": " + why);
                }
            }
        }
        assertEquals(List.of(), failures, "classes the shade filters left broken");
        assertTrue(loaded > 2000, "loaded " + loaded);
    }

    /**
     * The parts of commons-lang3, commons-codec and threeten-extra that functions/pom.xml keeps for ical4j: every
     * class loads and initialises; and the deadline's calendar event is written on the jar as the notify function
     * writes it. (ical4j's own classes are not all loadable even with every dependency: some need Groovy or jparsec,
     * optional there and absent here, for builders and filters this project does not use.)
     */
    @Test
    void the_calendar_event_is_written_on_the_jar_and_every_kept_ical4j_class_loads() throws Exception {
        List<String> failures = new ArrayList<>();
        try (ZipFile z = new ZipFile(jar.toFile());
             URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (ZipEntry e : Collections.list(z.entries())) {
                String name = e.getName();
                boolean calendarLibraries = name.startsWith("org/apache/commons/lang3/")
                        || name.startsWith("org/apache/commons/codec/") || name.startsWith("org/threeten/extra/");
                if (!calendarLibraries || !name.endsWith(".class")) continue;
                try {
                    Class.forName(name.substring(0, name.length() - ".class".length()).replace('/', '.'), true, loader);
                } catch (Throwable t) {
                    failures.add(name + ": " + t);
                }
            }
            assertEquals(List.of(), failures.stream().limit(20).toList(), "classes the shade filters left broken");

            Class<?> loaderClass = Class.forName("org.appban.policy.file.PolicyLoader", true, loader);
            Object policy = loaderClass.getMethod("bundled", String.class).invoke(loaderClass.getConstructor().newInstance(),
                    loaderClass.getField("BUNDLED").get(null));
            Class<?> policyClass = Class.forName("org.appban.policy.BanPolicy", true, loader);
            Class<?> eventClass = Class.forName("org.appban.notice.DeadlineEvent", true, loader);
            Class<?> wordsClass = Class.forName("org.appban.notice.DeadlineEvent$CalendarWords", true, loader);
            Object event = eventClass.getConstructor(policyClass, String.class).newInstance(policy, "example.org");
            Object words = wordsClass.getConstructor(String.class, String.class).newInstance("Deadline", "Remove the app.");
            java.lang.reflect.Method ics = eventClass.getDeclaredMethod("ics", String.class, int.class, wordsClass, java.time.Instant.class);
            ics.setAccessible(true);
            String text = (String) ics.invoke(event, "m-1", 3, words, java.time.Instant.parse("2023-03-17T09:00:00Z"));
            assertTrue(text.contains("BEGIN:VTIMEZONE") && text.contains("DTSTART;TZID="), text);
        }
    }
}
