package org.appban.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.appban.testing.ProjectLayout;

/**
 * template.yaml as the contract tests read it: each AWS::Serverless::Function with its handler, the environment
 * variables it gets (Globals + its own), its triggers, and what its policy grants, as (IAM action, resource) pairs
 * in a canonical form that names resources by their logical id:
 * <ul>
 *   <li>{@code Fn::GetAtt [MembersTable, Arn]}, {@code Ref: SigningSecret} become {@code MembersTable},
 *       {@code SigningSecret};</li>
 *   <li>{@code ${DevicesTable.Arn}/index/byOwner} becomes {@code DevicesTable/index/byOwner},
 *       {@code ${ReportsBucket.Arn}/*} becomes {@code ReportsBucket/*};</li>
 *   <li>an ARN spelled out from a resource's declared name ({@code arn:...:s3:::appban-${Stage}-roster-...} for the
 *       roster bucket, {@code parameter${KillSwitchParameter}}) becomes that resource's logical id;</li>
 *   <li>an SES identity becomes {@code ses-identity/<the parameter that names it>}.</li>
 * </ul>
 * Statements under {@code Fn::If} count when the condition holds with the parameters' defaults. Conditions on
 * statements (like ses:FromAddress) narrow a grant further and are not compared.
 */
final class SamTemplate {
    static final String FUNCTION = "AWS::Serverless::Function";
    private static final Pattern SUB_REF = Pattern.compile("\\$\\{([A-Za-z0-9]+)(\\.Arn)?}");

    private final JsonNode root;
    private final JsonNode resources;

    private SamTemplate(JsonNode root) {
        this.root = root;
        this.resources = root.path("Resources");
    }

    static SamTemplate load() {
        return load(ProjectLayout.template());
    }

    static SamTemplate load(Path file) {
        try {
            return new SamTemplate(new ObjectMapper(new YAMLFactory()).readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode root() {
        return root;
    }

    /** A function as declared. */
    record Function(String logicalId, String handlerClass, Set<String> environment, Map<String, JsonNode> events,
                    Set<Grant> grants, JsonNode properties) {
    }

    /** One action on one resource, both canonical (see the class comment). */
    record Grant(String action, String resource) implements Comparable<Grant> {
        @Override
        public int compareTo(Grant o) {
            int c = resource.compareTo(o.resource);
            return c != 0 ? c : action.compareTo(o.action);
        }

        @Override
        public String toString() {
            return action + " on " + resource;
        }
    }

    List<Function> functions() {
        List<Function> out = new ArrayList<>();
        resources.properties().forEach(e -> {
            if (!FUNCTION.equals(e.getValue().path("Type").asText())) return;
            JsonNode p = e.getValue().path("Properties");
            String handler = p.path("Handler").asText();
            Set<String> env = new TreeSet<>();
            root.path("Globals").path("Function").path("Environment").path("Variables").fieldNames().forEachRemaining(env::add);
            p.path("Environment").path("Variables").fieldNames().forEachRemaining(env::add);
            Map<String, JsonNode> events = new LinkedHashMap<>();
            p.path("Events").properties().forEach(ev -> events.put(ev.getKey(), ev.getValue()));
            out.add(new Function(e.getKey(), handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler,
                    env, events, grants(p.path("Policies")), p));
        });
        return out;
    }

    Function function(String logicalId) {
        return functions().stream().filter(f -> f.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("template.yaml has no function " + logicalId));
    }

    /** Resources of other kinds whose statements also name a function's role (event source mappings, schedules). */
    JsonNode resources() {
        return resources;
    }

    private Set<Grant> grants(JsonNode policies) {
        Set<Grant> grants = new TreeSet<>();
        for (JsonNode policy : policies) {
            if (policy.isTextual()) {
                throw new IllegalStateException("managed or SAM policy template '" + policy.asText() + "': name actions and resources instead");
            }
            for (JsonNode statement : policy.path("Statement")) {
                JsonNode s = conditional(statement);
                if (s == null) continue;
                if (!"Allow".equals(s.path("Effect").asText())) continue;
                for (JsonNode action : list(s.path("Action"))) {
                    for (JsonNode resource : list(s.path("Resource"))) grants.add(new Grant(action.asText(), canonical(resource)));
                }
            }
        }
        return grants;
    }

    /** A statement, or the branch of its Fn::If that applies with the parameters' defaults (null for AWS::NoValue). */
    private JsonNode conditional(JsonNode statement) {
        JsonNode iff = statement.get("Fn::If");
        if (iff == null) return statement;
        JsonNode chosen = condition(iff.get(0).asText()) ? iff.get(1) : iff.get(2);
        return chosen.has("Ref") && "AWS::NoValue".equals(chosen.path("Ref").asText()) ? null : conditional(chosen);
    }

    boolean condition(String name) {
        return evaluate(root.path("Conditions").path(name));
    }

    private boolean evaluate(JsonNode c) {
        if (c.has("Fn::Not")) return !evaluate(c.get("Fn::Not").get(0));
        if (c.has("Fn::Equals")) return value(c.get("Fn::Equals").get(0)).equals(value(c.get("Fn::Equals").get(1)));
        if (c.has("Fn::And")) {
            for (JsonNode x : c.get("Fn::And")) if (!evaluate(x)) return false;
            return true;
        }
        if (c.has("Fn::Or")) {
            for (JsonNode x : c.get("Fn::Or")) if (evaluate(x)) return true;
            return false;
        }
        if (c.has("Condition")) return condition(c.get("Condition").asText());
        throw new IllegalStateException("condition not understood: " + c);
    }

    private String value(JsonNode v) {
        if (v.has("Ref")) return root.path("Parameters").path(v.get("Ref").asText()).path("Default").asText("");
        return v.asText();
    }

    /** The canonical name of a policy Resource (see the class comment). */
    String canonical(JsonNode resource) {
        if (resource.has("Fn::GetAtt")) {
            JsonNode att = resource.get("Fn::GetAtt");
            return att.get(0).asText() + ("Arn".equals(att.get(1).asText()) ? "" : "." + att.get(1).asText());
        }
        if (resource.has("Ref")) {
            String name = resource.get("Ref").asText();
            return resources.has(name) ? name : "parameter:" + name;
        }
        if (resource.has("Fn::Sub")) return canonicalSub(resource.get("Fn::Sub").asText());
        return resource.asText();
    }

    private String canonicalSub(String text) {
        // A resource spelled out by its declared name (its BucketName, Name...) is that resource.
        for (Map.Entry<String, String> named : declaredNames().entrySet()) {
            int at = text.indexOf(named.getValue());
            if (at >= 0) text = text.substring(0, at) + "${" + named.getKey() + "}" + text.substring(at + named.getValue().length());
        }
        text = text.replaceAll("\\$\\{AWS::[A-Za-z]+}", "*");
        Matcher m = SUB_REF.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = resources.has(name) ? "{" + name + "}" : root.path("Parameters").has(name) ? "{parameter:" + name + "}" : m.group();
            m.appendReplacement(b, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(b);
        String s = b.toString();
        // arn:...:ses:...:identity/{parameter:SenderIdentity} -> ses-identity/SenderIdentity
        if (s.contains(":ses:") && s.contains(":identity/")) return "ses-identity/" + s.substring(s.indexOf(":identity/") + 10).replaceAll("[{}]|parameter:", "");
        int brace = s.indexOf('{');
        if (brace < 0) return s;
        // Drop the ARN prefix and the type word before the resource (parameter{X} -> X, configuration-set/{X} -> X).
        String rest = s.substring(brace).replaceFirst("^\\{([^}]+)}", "$1");
        return rest;
    }

    /** Logical id to the name a resource declares for itself (as written: Fn::Sub text or a literal). */
    private Map<String, String> declaredNames() {
        Map<String, String> names = new LinkedHashMap<>();
        resources.properties().forEach(e -> {
            JsonNode p = e.getValue().path("Properties");
            for (String key : List.of("BucketName", "TableName", "QueueName", "TopicName", "Name")) {
                JsonNode n = p.get(key);
                if (n == null) continue;
                String text = n.has("Fn::Sub") ? n.get("Fn::Sub").asText() : n.isTextual() ? n.asText() : null;
                if (text != null && text.length() > 6 && !FUNCTION.equals(e.getValue().path("Type").asText())) names.put(e.getKey(), text);
            }
        });
        // Longest first: appban-${Stage}-roster-... is the roster bucket before appban-${Stage} (the bus) is looked for.
        Map<String, String> sorted = new LinkedHashMap<>();
        names.entrySet().stream().sorted((a, b) -> b.getValue().length() - a.getValue().length())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) node.forEach(out::add);
        else if (!node.isMissingNode()) out.add(node);
        return out;
    }
}
