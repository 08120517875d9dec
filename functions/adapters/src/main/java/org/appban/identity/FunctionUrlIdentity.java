package org.appban.identity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.appban.input.InputProblem;
import org.appban.input.InvalidInputException;

/**
 * Reads the caller Lambda authenticated for a function URL request (payload format 2.0, AuthType AWS_IAM): the only
 * maker of {@link ProvenPrincipal}. Lambda verified the SigV4 signature and wrote {@code requestContext.authorizer.iam}
 * itself; a caller cannot set it (a direct invocation can write any JSON, but then it is not a function URL request,
 * and the functions treat it as unproven).
 */
public final class FunctionUrlIdentity {
    static final String SOURCE = "function URL request";

    private FunctionUrlIdentity() {
    }

    /** A function URL (payload format 2.0) request: it has {@code requestContext.http}. */
    public static boolean isFunctionUrlRequest(JsonNode event) {
        return event != null && event.path("requestContext").path("http").isObject();
    }

    /**
     * The proven caller of a function URL request.
     *
     * @throws InvalidInputException naming the field when the request carries no IAM caller (the URL is not AWS_IAM)
     *                               or one that is not a person's principal (a root user, a federated user)
     */
    public static ProvenPrincipal of(JsonNode event) {
        JsonNode iam = event.path("requestContext").path("authorizer").path("iam");
        JsonNode arn = iam.path("userArn");
        if (!arn.isTextual() || arn.textValue().isBlank()) {
            throw new InvalidInputException(SOURCE, "requestContext.authorizer.iam.userArn",
                    "no IAM caller: the admin function URL must use AuthType AWS_IAM");
        }
        List<InputProblem> problems = new ArrayList<>();
        Principal principal = Principal.parse(arn.textValue()).orElse(null);
        if (principal == null) {
            problems.add(new InputProblem("requestContext.authorizer.iam.userArn", "'" + arn.textValue() + "' is not an IAM principal ARN"));
        } else if (principal.kind() == Principal.Kind.OTHER) {
            problems.add(new InputProblem("requestContext.authorizer.iam.userArn", "'" + arn.textValue()
                    + "' is not a person (an IAM Identity Center user, a role session or an IAM user); sign in as yourself"));
        }
        JsonNode account = iam.path("accountId");
        if (principal != null && account.isTextual() && !account.textValue().equals(principal.account())) {
            problems.add(new InputProblem("requestContext.authorizer.iam.accountId", "'" + account.textValue()
                    + "' is not the account of " + principal.arn()));
        }
        if (!problems.isEmpty()) throw new InvalidInputException(SOURCE, problems);
        JsonNode callerId = iam.path("callerId").isTextual() ? iam.path("callerId") : iam.path("userId");
        return new ProvenPrincipal(principal, callerId.isTextual() ? callerId.textValue() : null);
    }
}
