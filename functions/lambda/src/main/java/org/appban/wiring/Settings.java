package org.appban.wiring;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The function's configuration, read from its environment (set by template.yaml).
 *
 * <p>The only place the functions read environment variables (a test checks that no other main class calls
 * {@code System.getenv}), so that:
 * <ul>
 *   <li>every name asked for is recorded ({@link #namesAsked()}): TemplateContractIT runs each function's
 *       production wiring and compares the names it asked for with the variables template.yaml gives it, so a
 *       function gets exactly the variables it reads;</li>
 *   <li>a function can run outside Lambda with its template environment laid over the process's own
 *       ({@link #overlay}): {@code ./appban invoke} and the cold-start runner.</li>
 * </ul>
 */
public final class Settings {
    /** Names asked for by any Settings of this process (a Lambda container runs one function). */
    private static final Set<String> ASKED = ConcurrentHashMap.newKeySet();
    private static volatile Map<String, String> overlay = Map.of();

    private final Map<String, String> env;

    public Settings(Map<String, String> env) {
        this.env = env;
    }

    /** The process environment, with the {@link #overlay} (if any) on top. */
    public static Settings fromEnvironment() {
        if (overlay.isEmpty()) return new Settings(System.getenv());
        Map<String, String> merged = new HashMap<>(System.getenv());
        merged.putAll(overlay);
        return new Settings(merged);
    }

    /**
     * Lays {@code values} over the process environment for every later {@link #fromEnvironment()}: how a function
     * runs outside Lambda with the environment template.yaml gives it. Call it before the first handler is built
     * (the composition root reads its settings once).
     */
    public static void overlay(Map<String, String> values) {
        overlay = Map.copyOf(values);
    }

    /** The names this process asked for so far, sorted. */
    public static Set<String> namesAsked() {
        return new TreeSet<>(ASKED);
    }

    /** A variable the function cannot run without; its absence is a deployment error named in the message. */
    public String required(String name) {
        ASKED.add(name);
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set (see template.yaml)");
        }
        return value;
    }

    public Optional<String> optional(String name) {
        ASKED.add(name);
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }
}
