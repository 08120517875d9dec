package org.appban.notice;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the notice templates come from: a classpath folder (the bundled set under {@code templates/}) or a
 * directory (an organisation's own wording). A set holds, for each stage kind, {@code <kind>.html.mustache} and
 * {@code <kind>.txt.mustache}; {@code layout.*.mustache} wrapping every body; {@code partials/<name>.*.mustache};
 * and {@code templates.properties} with the language the wording is written in ({@code locale}) and how it
 * writes times for people ({@code dateTimePattern}, {@code datePattern}).
 */
public final class TemplateSet {
    private final String classpathBase;
    private final Path directory;

    private TemplateSet(String classpathBase, Path directory) {
        this.classpathBase = classpathBase;
        this.directory = directory;
    }

    /** The set bundled with the functions. */
    public static TemplateSet bundled() {
        return classpath("templates");
    }

    public static TemplateSet classpath(String base) {
        return new TemplateSet(base.endsWith("/") ? base : base + "/", null);
    }

    public static TemplateSet directory(Path dir) {
        return new TemplateSet(null, dir);
    }

    /** The text of a file in the set, if it exists. */
    public Optional<String> read(String relative) {
        try {
            if (directory != null) {
                Path p = directory.resolve(relative).normalize();
                if (!p.startsWith(directory.normalize()) || !Files.isRegularFile(p)) return Optional.empty();
                return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
            }
            try (InputStream in = TemplateSet.class.getClassLoader().getResourceAsStream(classpathBase + relative)) {
                return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + describe(relative), e);
        }
    }

    public String require(String relative) {
        return read(relative).orElseThrow(() -> new IllegalStateException("template " + describe(relative) + " is missing"));
    }

    public String describe(String relative) {
        return directory != null ? directory.resolve(relative).toString() : "classpath:" + classpathBase + relative;
    }

    /** The set's settings: locale and the patterns for writing times. */
    public Settings settings() {
        Properties p = new Properties();
        try {
            p.load(new StringReader(require("templates.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String locale = p.getProperty("locale");
        String dateTime = p.getProperty("dateTimePattern");
        String date = p.getProperty("datePattern");
        if (locale == null || dateTime == null || date == null) {
            throw new IllegalStateException(describe("templates.properties") + " must set locale, dateTimePattern and datePattern");
        }
        return new Settings(Locale.forLanguageTag(locale), dateTime, date);
    }

    public record Settings(Locale locale, String dateTimePattern, String datePattern) {
    }
}
