package org.appban.locallambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.appban.testing.ProjectLayout;
import org.junit.jupiter.api.Test;

/** What the local Lambda takes from template.yaml for each function. */
class FunctionConfigTest {
    private final Map<String, FunctionConfig> functions = FunctionConfig.all(ProjectLayout.root().resolve("template.yaml"));

    @Test
    void every_function_has_its_handler_string_timeout_and_the_globals_memory_and_snapstart() {
        assertEquals(11, functions.size(), functions.keySet().toString());
        FunctionConfig admin = functions.get("AdminFunction");
        assertEquals("org.appban.lambda.admin.AdminHandler::handleRequest", admin.handler());
        assertEquals("org.appban.lambda.admin.AdminHandler", admin.handlerClass());
        assertEquals(300, admin.timeoutSeconds());
        assertEquals(1024, admin.memoryMb(), "Globals.Function.MemorySize");
        functions.values().forEach(f -> assertTrue(f.snapStart(), f.logicalId() + ": Globals.Function.SnapStart"));
    }

    @Test
    void the_heap_is_what_the_managed_runtime_gives_a_function_of_that_memory() {
        // The java21 runtime starts a 512 MB function with -XX:MaxHeapSize=445645k (85%).
        assertEquals(445645, new FunctionConfig("F", "a.B::handleRequest", 3, 512, true).maxHeapKib());
        assertEquals(891290, new FunctionConfig("F", "a.B", 3, 1024, true).maxHeapKib());
    }
}
