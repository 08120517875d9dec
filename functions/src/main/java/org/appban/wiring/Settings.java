package org.appban.wiring;

import java.util.Map;
import java.util.Optional;

/** The function's configuration, read from its environment (set by template.yaml). */
public final class Settings {
    private final Map<String, String> env;

    public Settings(Map<String, String> env) {
        this.env = env;
    }

    public static Settings fromEnvironment() {
        return new Settings(System.getenv());
    }

    /** A variable the function cannot run without; its absence is a deployment error named in the message. */
    public String required(String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set (see template.yaml)");
        }
        return value;
    }

    public Optional<String> optional(String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }
}
