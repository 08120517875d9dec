package org.appban.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.appban.aws.SdkPriming;
import org.appban.coldstart.FirstInvocation;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/**
 * Records every AWS call a function makes, as the IAM actions that authorise it and the resources they act on,
 * one line per (action, resource): {@code dynamodb:PutItem<TAB>table/NAME<TAB>event file being handled}. Installed in the function's JVM as a
 * global SDK interceptor (TemplateContractIT puts {@code software/amazon/awssdk/global/handlers/execution.interceptors}
 * naming this class on that JVM's classpath), so it sees the calls of every client the production wiring builds.
 *
 * <h2>From SDK operation to IAM action</h2>
 * Mostly the operation's own name under the service's prefix (DynamoDB GetItem is dynamodb:GetItem). Where IAM
 * authorises an operation through other actions:
 * <ul>
 *   <li>DynamoDB TransactWriteItems: one action per item, by its kind (Put: dynamodb:PutItem, Update:
 *       dynamodb:UpdateItem, Delete: dynamodb:DeleteItem, ConditionCheck: dynamodb:ConditionCheckItem), on the
 *       item's table; TransactGetItems: dynamodb:GetItem per table.</li>
 *   <li>DynamoDB Query and Scan of an index act on {@code table/NAME/index/INDEX}.</li>
 *   <li>S3 HeadObject: s3:GetObject; ListObjectsV2: s3:ListBucket on the bucket; object actions on {@code BUCKET/KEY}.</li>
 *   <li>SQS SendMessageBatch: sqs:SendMessage; DeleteMessageBatch: sqs:DeleteMessage; ChangeMessageVisibilityBatch:
 *       sqs:ChangeMessageVisibility.</li>
 *   <li>SES v2 SendEmail with raw content: ses:SendEmail and ses:SendRawEmail (SES v2 checks both: its refusals name
 *       ses:SendRawEmail), on the From address's identity and the configuration set.</li>
 *   <li>EventBridge PutEvents: events:PutEvents on each entry's bus.</li>
 * </ul>
 */
public final class CallRecorder implements ExecutionInterceptor {
    /** System property naming the file the calls are appended to. */
    public static final String OUTPUT = "appban.calls";
    /** System property naming a folder where each raw message given to SES is kept (NNNN.eml), to read what was sent. */
    public static final String MAIL = "appban.mail";

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String out = System.getProperty(OUTPUT);
        if (out == null || Boolean.TRUE.equals(attributes.getAttribute(SdkPriming.PRIMING))) return;
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME).replace(" ", "").toLowerCase(java.util.Locale.ROOT);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        List<String> lines = new ArrayList<>();
        String during = System.getProperty(FirstInvocation.INVOCATION, "");
        for (String[] call : calls(service, operation, context.request())) lines.add(call[0] + "\t" + call[1] + "\t" + during);
        keepMessage(context.request());
        try {
            synchronized (CallRecorder.class) {
                Files.write(Path.of(out), lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keepMessage(SdkRequest request) {
        String dir = System.getProperty(MAIL);
        if (dir == null || !(request instanceof SendEmailRequest s) || s.content() == null || s.content().raw() == null) return;
        try {
            synchronized (CallRecorder.class) {
                Path folder = Files.createDirectories(Path.of(dir));
                long n;
                try (var files = Files.list(folder)) {
                    n = files.count();
                }
                Files.write(folder.resolve(String.format("%04d.eml", n)), s.content().raw().data().asByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String[]> calls(String service, String operation, SdkRequest request) {
        List<String[]> calls = new ArrayList<>();
        switch (service) {
            case "dynamodb" -> {
                if (request instanceof TransactWriteItemsRequest t) {
                    for (TransactWriteItem item : t.transactItems()) {
                        if (item.put() != null) calls.add(call("dynamodb:PutItem", "table/" + item.put().tableName()));
                        if (item.update() != null) calls.add(call("dynamodb:UpdateItem", "table/" + item.update().tableName()));
                        if (item.delete() != null) calls.add(call("dynamodb:DeleteItem", "table/" + item.delete().tableName()));
                        if (item.conditionCheck() != null) calls.add(call("dynamodb:ConditionCheckItem", "table/" + item.conditionCheck().tableName()));
                    }
                } else if (request instanceof BatchGetItemRequest b) {
                    for (String table : b.requestItems().keySet()) calls.add(call("dynamodb:BatchGetItem", "table/" + table));
                } else if (request instanceof software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest b) {
                    for (String table : b.requestItems().keySet()) calls.add(call("dynamodb:BatchWriteItem", "table/" + table));
                } else {
                    String table = field(request, "TableName");
                    String index = field(request, "IndexName");
                    calls.add(call("dynamodb:" + operation, "table/" + table + (index == null ? "" : "/index/" + index)));
                }
            }
            case "s3" -> {
                String bucket = field(request, "Bucket");
                switch (operation) {
                    case "HeadObject", "GetObject" -> calls.add(call("s3:GetObject", bucket + "/" + field(request, "Key")));
                    case "ListObjectsV2", "ListObjects" -> calls.add(call("s3:ListBucket", bucket));
                    default -> calls.add(call("s3:" + operation, bucket + "/" + field(request, "Key")));
                }
            }
            case "ssm" -> calls.add(call("ssm:" + operation, "parameter" + slash(field(request, "Name"))));
            case "secretsmanager" -> calls.add(call("secretsmanager:" + operation, field(request, "SecretId")));
            case "sns" -> calls.add(call("sns:" + operation, field(request, "TopicArn")));
            case "sqs" -> {
                String action = switch (operation) {
                    case "SendMessageBatch" -> "SendMessage";
                    case "DeleteMessageBatch" -> "DeleteMessage";
                    case "ChangeMessageVisibilityBatch" -> "ChangeMessageVisibility";
                    default -> operation;
                };
                calls.add(call("sqs:" + action, field(request, "QueueUrl")));
            }
            case "eventbridge" -> {
                if (request instanceof PutEventsRequest p) {
                    for (PutEventsRequestEntry e : p.entries()) calls.add(call("events:PutEvents", "event-bus/" + e.eventBusName()));
                } else {
                    calls.add(call("events:" + operation, "?"));
                }
            }
            case "sesv2" -> {
                if (request instanceof SendEmailRequest s) {
                    String identity = "identity/" + s.fromEmailAddress();
                    List<String> resources = new ArrayList<>(List.of(identity));
                    if (s.configurationSetName() != null) resources.add("configuration-set/" + s.configurationSetName());
                    List<String> actions = s.content() != null && s.content().raw() != null
                            ? List.of("ses:SendEmail", "ses:SendRawEmail") : List.of("ses:SendEmail");
                    for (String a : actions) for (String r : resources) calls.add(call(a, r));
                } else {
                    calls.add(call("ses:" + operation, "?"));
                }
            }
            default -> calls.add(call(service + ":" + operation, "?"));
        }
        return calls;
    }

    private static String[] call(String action, String resource) {
        return new String[] {action, resource};
    }

    private static String slash(String name) {
        return name != null && name.startsWith("/") ? name : "/" + name;
    }

    private static String field(SdkRequest request, String name) {
        return request.getValueForField(name, Object.class).map(String::valueOf).orElse(null);
    }
}
