package org.appban.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The rings of functions/ (ARCHITECTURE.md), enforced on the compiled classes of each module: core depends on
 * nothing of ours outside core and on nothing but the JDK's java.* (and javax.crypto, also in java.base, for the
 * HMACs); application only on core; adapters on core and application, never on lambda or local; lambda never on
 * local; json (the strict reading the simulators share) on Jackson alone; and no cycle between packages anywhere in the six modules. A class belongs to the module whose classes
 * folder holds it, so a rule cannot be dodged by naming a package.
 */
class RingsTest {
    /** One class of each module names its classes folder. */
    private static final Ring CORE = ring("core", org.appban.domain.Member.class);
    private static final Ring APPLICATION = ring("application", org.appban.exemption.ExemptionService.class);
    private static final Ring JSON = ring("json", org.appban.json.StrictJson.class);
    private static final Ring ADAPTERS = ring("adapters", org.appban.json.Json.class);
    private static final Ring LAMBDA = ring("lambda", org.appban.wiring.Production.class);
    private static final Ring LOCAL = ring("local", org.appban.mail.OutboxMailer.class);

    private static final JavaClasses ALL = classesOf(JSON.folder, CORE.folder, APPLICATION.folder, ADAPTERS.folder, LAMBDA.folder, LOCAL.folder);

    @Test
    void every_ring_holds_classes_so_no_rule_passes_on_nothing() {
        for (Ring r : List.of(JSON, CORE, APPLICATION, ADAPTERS, LAMBDA, LOCAL)) {
            assertTrue(r.names.size() > 0, r.name + " holds no class: " + r.folder);
        }
        assertTrue(CORE.names.size() > 100, "core: " + CORE.names.size());
    }

    @Test
    void core_depends_only_on_core_and_the_jdk() {
        classes().that(CORE.member()).should().onlyDependOnClassesThat(
                        CORE.member().or(jdk()).or(ownPrimitiveOrArray(CORE)))
                .because("the decisions must stay pure by construction: no SDK, parser, template engine or adapter")
                .check(ALL);
    }

    @Test
    void the_strict_json_reading_depends_only_on_the_jdk_and_jackson() {
        classes().that(JSON.member()).should().onlyDependOnClassesThat(
                        JSON.member().or(jdk()).or(DescribedPredicate.describe("Jackson", c -> c.getPackageName().startsWith("com.fasterxml.jackson")))
                                .or(ownPrimitiveOrArray(JSON)))
                .because("the simulators share it: nothing of the functions may come with it")
                .check(ALL);
    }

    @Test
    void application_depends_only_on_core() {
        classes().that(APPLICATION.member()).should().onlyDependOnClassesThat(
                        APPLICATION.member().or(CORE.member()).or(jdk()).or(ownPrimitiveOrArray(CORE, APPLICATION)))
                .because("the services orchestrate a run over the ports of core; the world is plugged in from outside")
                .check(ALL);
    }

    @Test
    void adapters_do_not_depend_on_the_lambda_layer_or_the_local_world() {
        noClasses().that(ADAPTERS.member()).should().dependOnClassesThat(LAMBDA.member().or(LOCAL.member()))
                .because("an adapter receives its settings; it does not reach for the composition root")
                .check(ALL);
    }

    @Test
    void the_lambda_layer_does_not_depend_on_the_local_world() {
        noClasses().that(LAMBDA.member()).should().dependOnClassesThat(LOCAL.member())
                .because("the deployable jar is built from lambda and what it depends on; local stays out of it")
                .check(ALL);
    }

    /**
     * A round (its survey and act phases, its steps, its gate) orchestrates over the ports, so it is application's;
     * adapters carry only its messages (the format, {@code work.ContinuationJson}; the queue, {@code work.SqsWork}) and
     * the Lambda edge reads its batch. A round written in adapters would reach for JSON or the SDK again.
     */
    @Test
    void the_rounds_are_application_and_adapters_only_carry_their_messages() {
        DescribedPredicate<JavaClass> machinery = DescribedPredicate.describe("application's round machinery (org.appban.work)",
                c -> APPLICATION.names.contains(c.getName()) && c.getPackageName().equals("org.appban.work"));
        noClasses().that(ADAPTERS.member()).should().dependOnClassesThat(machinery)
                .because("a round goes to application (ARCHITECTURE.md, \"A new round\"); adapters only write and send its messages")
                .check(ALL);
        List<String> rounds = ALL.stream().filter(c -> c.getSimpleName().endsWith("Round") && c.getEnclosingClass().isEmpty())
                .map(JavaClass::getName).toList();
        assertTrue(rounds.size() >= 3, "the rounds: " + rounds);
        for (String round : rounds) assertTrue(APPLICATION.names.contains(round), round + " is a round outside application");
        for (String machine : List.of("org.appban.work.WorkSteps", "org.appban.work.ContinuationGate")) {
            assertTrue(APPLICATION.names.contains(machine), machine + " is outside application");
        }
    }

    @Test
    void no_package_depends_on_itself_through_others() {
        slices().matching("org.appban.(**)").should().beFreeOfCycles().check(ALL);
    }

    private static DescribedPredicate<JavaClass> jdk() {
        return DescribedPredicate.describe("the JDK (java.*, javax.crypto.*)",
                c -> c.getPackageName().startsWith("java.") || c.getPackageName().startsWith("javax.crypto"));
    }

    private static DescribedPredicate<JavaClass> ownPrimitiveOrArray(Ring... rings) {
        return DescribedPredicate.describe("primitives and arrays of the allowed classes", c -> {
            if (c.isPrimitive()) return true;
            if (!c.isArray()) return false;
            JavaClass base = c.getBaseComponentType();
            if (base.isPrimitive() || base.getPackageName().startsWith("java.")) return true;
            for (Ring r : rings) if (r.names.contains(base.getName())) return true;
            return false;
        });
    }

    private record Ring(String name, Path folder, Set<String> names) {
        DescribedPredicate<JavaClass> member() {
            return DescribedPredicate.describe("classes of " + name, c -> names.contains(c.getName()));
        }
    }

    /** A module's classes folder, or its jar when Maven's reactor hands the tests the packaged module (verify). */
    private static JavaClasses classesOf(Path... locations) {
        List<java.net.URL> urls = new java.util.ArrayList<>();
        for (Path p : locations) {
            try {
                urls.add(java.nio.file.Files.isDirectory(p) ? p.toUri().toURL() : new java.net.URL("jar:" + p.toUri() + "!/"));
            } catch (java.net.MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        }
        return new ClassFileImporter().importUrls(urls);
    }

    private static Ring ring(String name, Class<?> marker) {
        try {
            Path folder = Path.of(marker.getProtectionDomain().getCodeSource().getLocation().toURI());
            Set<String> names = classesOf(folder).stream().map(JavaClass::getName).collect(Collectors.toSet());
            return new Ring(name, folder, names);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
