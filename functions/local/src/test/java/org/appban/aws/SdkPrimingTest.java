package org.appban.aws;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

/**
 * SnapStart priming runs each service's operations to their end on canned answers, with no network: an operation
 * whose canned answer its unmarshaller cannot read, or a paginator that does not stop at a page without a next key,
 * fails here rather than leaving a snapshot unprimed (a failing warm-up is only logged on Lambda).
 */
class SdkPrimingTest {
    @Test
    void dynamodb_operations_and_the_stores_paginators_run_on_the_canned_answer() {
        assertDoesNotThrow(SdkPriming::dynamoDb);
    }

    @Test
    void every_other_service_the_functions_call_runs_on_its_canned_answer() {
        assertDoesNotThrow(SdkPriming::s3);
        assertDoesNotThrow(SdkPriming::ssm);
        assertDoesNotThrow(SdkPriming::secretsManager);
        assertDoesNotThrow(SdkPriming::eventBridge);
        assertDoesNotThrow(SdkPriming::sesV2);
        assertDoesNotThrow(SdkPriming::sns);
        assertDoesNotThrow(SdkPriming::sqs);
    }
}
