package org.appban.locallambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What template.yaml says about how Lambda runs one function: its {@code Handler} string, {@code Timeout} (seconds),
 * {@code MemorySize} (MB) and whether SnapStart applies, each from the function or else from {@code Globals.Function}
 * (Lambda's defaults, 3 s and 128 MB, when neither says). Its environment comes from the stack
 * ({@link org.appban.bench.EmulatedStack}), resolved the way the LocalStack init hook resolves it.
 */
public record FunctionConfig(String logicalId, String handler, int timeoutSeconds, int memoryMb, boolean snapStart) {
    public FunctionConfig {
        if (!handler.contains("::")) handler = handler + "::handleRequest";
    }

    /** The handler's class, without the method. */
    public String handlerClass() {
        return handler.substring(0, handler.indexOf("::"));
    }

    /**
     * The JVM heap the managed java21 runtime gives this function: {@code -XX:MaxHeapSize} of 85% of its memory
     * (what the runtime's launcher passes: 445645k for 512 MB).
     */
    public long maxHeapKib() {
        return Math.round(memoryMb * 1024L * 0.85);
    }

    /** Every function of {@code template}, in template order. */
    public static Map<String, FunctionConfig> all(Path template) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(template.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + template + ": " + e.getMessage(), e);
        }
        JsonNode globals = root.path("Globals").path("Function");
        Map<String, FunctionConfig> functions = new LinkedHashMap<>();
        root.path("Resources").properties().forEach(e -> {
            if (!"AWS::Serverless::Function".equals(e.getValue().path("Type").asText())) return;
            JsonNode p = e.getValue().path("Properties");
            String handler = p.path("Handler").asText(globals.path("Handler").asText(""));
            if (handler.isEmpty()) throw new IllegalStateException(template + ": " + e.getKey() + " has no Handler");
            int timeout = p.path("Timeout").asInt(globals.path("Timeout").asInt(3));
            int memory = p.path("MemorySize").asInt(globals.path("MemorySize").asInt(128));
            JsonNode snap = p.has("SnapStart") ? p.path("SnapStart") : globals.path("SnapStart");
            boolean snapStart = "PublishedVersions".equals(snap.path("ApplyOn").asText());
            functions.put(e.getKey(), new FunctionConfig(e.getKey(), handler, timeout, memory, snapStart));
        });
        return functions;
    }
}
