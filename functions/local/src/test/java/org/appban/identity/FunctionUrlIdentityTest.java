package org.appban.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.appban.input.InvalidInputException;
import org.appban.json.Json;
import org.junit.jupiter.api.Test;

/** The caller of a function URL request is what Lambda's IAM authorisation says, and nothing else. */
class FunctionUrlIdentityTest {
    @Test
    void the_proven_principal_is_the_authorisers_user_arn_with_its_caller_id() {
        ObjectNode event = FunctionUrlEvent.post("abc.lambda-url.ap-southeast-2.on.aws", "/", java.util.Map.of(),
                "{\"caller\":\"someone-else\"}", "arn:aws:sts::111122223333:assumed-role/appban-operator/hana",
                "AROAEXAMPLE:hana", "ASIAEXAMPLE", java.time.Instant.EPOCH);
        ProvenPrincipal p = FunctionUrlIdentity.of(event);
        assertEquals("arn:aws:sts::111122223333:assumed-role/appban-operator/hana", p.arn());
        assertEquals("AROAEXAMPLE:hana", p.callerId());
        assertEquals(Principal.Kind.ROLE_SESSION, p.principal().kind());
        assertEquals("111122223333/role/appban-operator/hana", p.person());
    }

    @Test
    void a_request_without_an_iam_authoriser_or_with_a_principal_that_is_nobody_is_refused_naming_the_field() {
        ObjectNode none = FunctionUrlEvent.signedBy("arn:aws:iam::111122223333:user/x", "{}");
        ((ObjectNode) none.path("requestContext")).remove("authorizer");
        InvalidInputException x = assertThrows(InvalidInputException.class, () -> FunctionUrlIdentity.of(none));
        assertEquals("requestContext.authorizer.iam.userArn", x.problems().get(0).where());
        InvalidInputException root = assertThrows(InvalidInputException.class,
                () -> FunctionUrlIdentity.of(FunctionUrlEvent.signedBy("arn:aws:iam::111122223333:root", "{}")));
        assertTrue(root.getMessage().contains("is not a person"), root.getMessage());
        ObjectNode other = FunctionUrlEvent.signedBy("arn:aws:iam::111122223333:user/x", "{}");
        ((ObjectNode) other.path("requestContext").path("authorizer").path("iam")).put("accountId", "999999999999");
        assertEquals("requestContext.authorizer.iam.accountId",
                assertThrows(InvalidInputException.class, () -> FunctionUrlIdentity.of(other)).problems().get(0).where());
        assertTrue(!FunctionUrlIdentity.isFunctionUrlRequest(Json.object().put("operation", "status")), "a direct invocation is not one");
    }
}
