package org.appban.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The resources template.yaml declares, created in an AWS emulator by the LocalStack init hook
 * ({@value #HOOK}) run as a plain script, and what it recorded: each resource's name, Ref and ARN, and each
 * function's environment (Globals + its own variables, resolved). The same script LocalStack runs at start-up, so
 * what the tests and benches run against is what a developer gets from {@code docker compose up}.
 *
 * @param stage        the Stage the names were made with (appban-STAGE-LogicalId)
 * @param resources    logical id to its record: {@code type}, {@code ref}, and {@code arn}, {@code name} where they apply
 * @param environments function logical id to its environment variables
 */
public record TemplateResources(String stage, String region, String account, Map<String, JsonNode> resources,
                                Map<String, Map<String, String>> environments) {
    public static final String HOOK = "infra/localstack/init/ready.d/appban-resources.py";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the simulators listen, for the MDM and NAC secrets the hook writes. */
    public record SimulatorPorts(String host, int intune, int jamf, int ise) {
        public static SimulatorPorts standalone() {
            return new SimulatorPorts("127.0.0.1", 4601, 4602, 4603);
        }
    }

    /**
     * Runs the hook against {@code endpoint} with {@code python} (one that has boto3 and PyYAML, e.g.
     * {@link MotoServer#python}), for template.yaml under {@code root}.
     */
    public static TemplateResources create(Path root, MotoServer.Python python, URI endpoint, String region, String stage,
                                           SimulatorPorts sims, Map<String, String> extraEnvironment)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("appban-resources-" + stage + "-", ".json");
        Path log = Files.createTempFile("appban-resources-" + stage + "-", ".log");
        try {
            List<String> command = new ArrayList<>(List.of(python.executable(), root.resolve(HOOK).toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.putAll(python.environment());
            env.put("AWS_ENDPOINT_URL", endpoint.toString());
            env.put("AWS_REGION", region);
            env.putIfAbsent("AWS_ACCESS_KEY_ID", "test");
            env.putIfAbsent("AWS_SECRET_ACCESS_KEY", "test");
            env.put("APPBAN_STAGE", stage);
            env.put("APPBAN_TEMPLATE", root.resolve("template.yaml").toString());
            env.put("APPBAN_SIM_HOST", sims.host());
            env.put("APPBAN_SIM_PORTS", sims.intune() + "," + sims.jamf() + "," + sims.ise());
            env.put("APPBAN_RESOURCES_OUT", out.toString());
            env.putAll(extraEnvironment);
            Process p = builder.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(HOOK + " did not finish within 5 minutes:\n" + Files.readString(log));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(HOOK + " failed (exit " + p.exitValue() + "):\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return read(out);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(log);
        }
    }

    /** Reads the record the hook writes to APPBAN_RESOURCES_OUT. */
    public static TemplateResources read(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        Map<String, JsonNode> resources = new TreeMap<>();
        root.path("resources").properties().forEach(e -> resources.put(e.getKey(), e.getValue()));
        Map<String, Map<String, String>> environments = new TreeMap<>();
        root.path("environments").properties().forEach(e -> {
            Map<String, String> vars = new LinkedHashMap<>();
            e.getValue().properties().forEach(v -> vars.put(v.getKey(), v.getValue().asText()));
            environments.put(e.getKey(), vars);
        });
        return new TemplateResources(root.path("stage").asText(), root.path("region").asText(), root.path("account").asText(),
                resources, environments);
    }

    /** The Ref value of a created resource (a table's name, a queue's URL, a secret's ARN...). */
    public String ref(String logicalId) {
        return resource(logicalId).path("ref").asText();
    }

    public JsonNode resource(String logicalId) {
        JsonNode r = resources.get(logicalId);
        if (r == null) throw new IllegalArgumentException("the hook created no " + logicalId + "; it created " + resources.keySet());
        return r;
    }

    public Map<String, String> environment(String functionLogicalId) {
        Map<String, String> env = environments.get(functionLogicalId);
        if (env == null) throw new IllegalArgumentException("no function " + functionLogicalId + " in template.yaml; it has " + environments.keySet());
        return env;
    }
}
