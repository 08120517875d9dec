package org.appban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.appban.wiring.AwsClients;
import org.appban.testing.MotoServer;
import org.appban.testing.TemplateResources;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * The functions of template.yaml on an AWS emulator, as the LocalStack init hook sets them up
 * ({@value TemplateResources#HOOK}): each function's handler (from the template) and environment (what the hook
 * recorded, in SSM at {@code /appban/STAGE/env/FUNCTION}, or in the record of a run of the hook).
 */
public final class EmulatedStack {
    /** Account and region of the production stack the samples under events/ name (appban-prod-...-111122223333-...). */
    private static final String SAMPLE_ACCOUNT = "111122223333";
    private static final String SAMPLE_REGION = "ap-southeast-2";
    private static final Pattern LOCAL_BUCKET = Pattern.compile("appban-([a-z0-9-]+?)-([a-z]+)-(\\d{12})-([a-z0-9-]+)");

    private final String stage;
    private final Map<String, String> handlers;
    private final Map<String, Map<String, String>> environments;
    private final Map<String, String> buckets;

    private EmulatedStack(String stage, Map<String, String> handlers, Map<String, Map<String, String>> environments, Map<String, String> buckets) {
        this.stage = stage;
        this.handlers = handlers;
        this.environments = environments;
        this.buckets = buckets;
    }

    /** Runs the hook against {@code endpoint} with a stage of its own (the benches). */
    public static EmulatedStack create(Path root, URI endpoint, String region, String stage, TemplateResources.SimulatorPorts sims)
            throws IOException, InterruptedException {
        MotoServer.Python python = MotoServer.python(root.resolve("functions").resolve("target").resolve("emulator"));
        TemplateResources r = TemplateResources.create(root, python, endpoint, region, stage, sims, Map.of());
        Map<String, String> buckets = new TreeMap<>();
        r.resources().forEach((id, rec) -> {
            if ("AWS::S3::Bucket".equals(rec.path("type").asText())) buckets.put(id, rec.path("name").asText());
        });
        return new EmulatedStack(stage, handlers(root), r.environments(), buckets);
    }

    /** What the hook recorded for {@code stage} in the emulator's SSM (LocalStack at start-up, or an earlier run). */
    public static EmulatedStack recorded(Path root, AwsClients clients, String stage) {
        Map<String, String> handlers = handlers(root);
        Map<String, Map<String, String>> environments = new TreeMap<>();
        Map<String, String> buckets = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        try (SsmClient ssm = clients.ssm()) {
            for (String function : handlers.keySet()) {
                try {
                    String value = ssm.getParameter(r -> r.name("/appban/" + stage + "/env/" + function)).parameter().value();
                    Map<String, String> env = new LinkedHashMap<>();
                    json.readTree(value).properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
                    environments.put(function, env);
                } catch (ParameterNotFoundException e) {
                    // Not set up: environment(function) says how.
                }
            }
            ssm.getParametersByPathPaginator(r -> r.path("/appban/" + stage + "/resources").recursive(true)).stream().flatMap(page -> page.parameters().stream()).forEach(p -> {
                try {
                    JsonNode rec = json.readTree(p.value());
                    if ("AWS::S3::Bucket".equals(rec.path("type").asText())) {
                        buckets.put(p.name().substring(p.name().lastIndexOf('/') + 1), rec.path("name").asText());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EmulatedStack(stage, handlers, environments, buckets);
    }

    public String stage() {
        return stage;
    }

    /** Function logical id to handler class, from template.yaml. */
    public Map<String, String> handlers() {
        return handlers;
    }

    /** A function by its logical id ({@code NotifyMembersFunction}) or its events/ name ({@code notify-members}). */
    public String function(String name) {
        if (handlers.containsKey(name)) return name;
        StringBuilder id = new StringBuilder();
        for (String part : name.split("-")) {
            if (!part.isEmpty()) id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        id.append("Function");
        if (handlers.containsKey(id.toString())) return id.toString();
        throw new IllegalArgumentException("no function '" + name + "' in template.yaml; one of " + String.join(", ", eventNames()));
    }

    /** The functions by their events/ names. */
    public java.util.List<String> eventNames() {
        return handlers.keySet().stream().map(id -> id.substring(0, id.length() - "Function".length())
                .replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT)).toList();
    }

    public Map<String, String> environment(String function) {
        Map<String, String> env = environments.get(function);
        if (env == null) {
            throw new IllegalStateException("the emulator has no environment for " + function + " at /appban/" + stage + "/env/ "
                    + "(start LocalStack with infra/localstack/docker-compose.yml, or pass --init to create the stack's resources now)");
        }
        return env;
    }

    /** A sample event with the production stack's bucket names it uses turned into this stack's. */
    public String localNames(String event) {
        String out = event;
        for (String local : buckets.values()) {
            Matcher m = LOCAL_BUCKET.matcher(local);
            if (!m.matches()) continue;
            out = out.replace("appban-prod-" + m.group(2) + "-" + SAMPLE_ACCOUNT + "-" + SAMPLE_REGION, local);
        }
        return out;
    }

    /** This stack's bucket for a logical id (RosterBucket...). */
    public String bucket(String logicalId) {
        String name = buckets.get(logicalId);
        if (name == null) throw new IllegalArgumentException("no bucket " + logicalId + " in the stack; it has " + buckets.keySet());
        return name;
    }

    private static Map<String, String> handlers(Path root) {
        JsonNode template;
        try {
            template = new ObjectMapper(new YAMLFactory()).readTree(root.resolve("template.yaml").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> handlers = new LinkedHashMap<>();
        template.path("Resources").properties().forEach(e -> {
            if (!"AWS::Serverless::Function".equals(e.getValue().path("Type").asText())) return;
            String handler = e.getValue().path("Properties").path("Handler").asText();
            handlers.put(e.getKey(), handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler);
        });
        return handlers;
    }
}
