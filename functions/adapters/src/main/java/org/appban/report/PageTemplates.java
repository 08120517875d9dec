package org.appban.report;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTML pages appban serves or writes (the attestation page, the exemption form, the outbox index, the status
 * page), rendered by the template engine the notice emails use (jmustache), from {@code pages/<name>.html.mustache} on
 * the classpath. Every {@code {{value}}} is HTML-escaped by default ({@link Html#escape}, the same characters as
 * before the pages moved to templates, so a page renders byte for byte as it did); only {@code {{{value}}}} is not,
 * which the templates use for fixed text of the code's own (a stylesheet) and for parts already rendered by a template.
 * A value the template names and the model lacks fails the render (a typo is not an empty field); a null renders empty.
 *
 * <p>A template file's last line break is not part of the page, so a template can end its file as text files do.
 */
public final class PageTemplates {
    private static final Mustache.Compiler COMPILER = Mustache.compiler()
            .escapeHTML(true)
            .withEscaper(Html::escape)
            .nullValue("")
            .withLoader(name -> new StringReader(source(name)));
    private static final Map<String, Template> CACHE = new ConcurrentHashMap<>();

    private PageTemplates() {
    }

    /** Renders page template {@code name} (e.g. {@code attestation/form}) with the model's values, escaped. */
    public static String render(String name, Object model) {
        Template t = CACHE.computeIfAbsent(name, n -> {
            try {
                return COMPILER.compile(source(n));
            } catch (MustacheException e) {
                throw new IllegalStateException("page template " + n + ": " + e.getMessage(), e);
            }
        });
        return t.execute(model);
    }

    private static String source(String name) {
        String path = "pages/" + name + ".html.mustache";
        try (InputStream in = PageTemplates.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("page template " + path + " is not on the classpath");
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        } catch (IOException e) {
            throw new IllegalStateException("page template " + path + ": " + e.getMessage(), e);
        }
    }
}
