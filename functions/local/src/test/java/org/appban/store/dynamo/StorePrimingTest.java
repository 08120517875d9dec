package org.appban.store.dynamo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

/**
 * The stores' priming writes and reads back every kind of record and runs the stores' calls on a client that sends
 * nothing: it fails here when a mapper or a store changes in a way the samples no longer fit (on Lambda a failing
 * warm-up is only logged, and the snapshot is slower).
 */
class StorePrimingTest {
    @Test
    void every_kind_of_record_and_the_stores_calls_run_without_a_network() {
        assertDoesNotThrow(StorePriming::run);
    }
}
