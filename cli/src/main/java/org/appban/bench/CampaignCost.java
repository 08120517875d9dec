package org.appban.bench;

/**
 * What AWS charges for what a campaign used, at list prices, so that {@code ./appban bench scale} can say what a
 * campaign costs per member. Pure: usage in, dollars out.
 *
 * <p>The prices: AWS's published on-demand list prices for us-east-1 (N. Virginia), as of 2025-06 (DynamoDB's are the
 * ones after its on-demand price cut of 1 November 2024), with no free tier counted (a campaign should not lean on
 * it; the account's other workloads use it up). Check them on aws.amazon.com/{lambda,dynamodb,ses,sqs,eventbridge}/pricing
 * before quoting a figure; they change rarely and only downwards so far.
 */
public final class CampaignCost {
    /** Lambda on arm64 (Graviton, as template.yaml's Globals), per GB-second of duration (first 7.5 billion a month). */
    public static final double LAMBDA_GB_SECOND = 0.0000133334;
    /** Lambda, per request (US$0.20 per million). */
    public static final double LAMBDA_REQUEST = 0.20 / 1_000_000;
    /** DynamoDB on-demand, per write request unit (US$0.625 per million). */
    public static final double DYNAMODB_WRITE_UNIT = 0.625 / 1_000_000;
    /** DynamoDB on-demand, per read request unit (US$0.125 per million). */
    public static final double DYNAMODB_READ_UNIT = 0.125 / 1_000_000;
    /** SES outbound email, per message (US$0.10 per 1,000), attachments none. */
    public static final double SES_EMAIL = 0.10 / 1_000;
    /** SQS standard queue, per request (US$0.40 per million; each 64 KB chunk of a payload is a request). */
    public static final double SQS_REQUEST = 0.40 / 1_000_000;
    /** EventBridge custom events put on a bus, per event (US$1.00 per million; each 64 KB chunk is an event). */
    public static final double EVENTBRIDGE_EVENT = 1.00 / 1_000_000;
    /** EventBridge Scheduler, per scheduled invocation (US$1.00 per million). */
    public static final double SCHEDULER_INVOCATION = 1.00 / 1_000_000;

    private CampaignCost() {
    }

    /**
     * What one or more rounds of a function used. {@code billedMillis} is the sum of the invocations' durations, each
     * rounded up to the millisecond as Lambda bills them; {@code memoryMb} the function's memory (template.yaml).
     */
    public record Usage(long invocations, long billedMillis, int memoryMb, double readUnits, double writeUnits, long emails,
                        long sqsRequests, long events, long scheduled) {
        public static Usage none(int memoryMb) {
            return new Usage(0, 0, memoryMb, 0, 0, 0, 0, 0, 0);
        }

        public double gbSeconds() {
            return billedMillis / 1000.0 * memoryMb / 1024.0;
        }

        public Usage plus(Usage o) {
            if (o.memoryMb != memoryMb && o.invocations > 0 && invocations > 0) {
                throw new IllegalArgumentException("usage of functions of different memory sizes cannot be added: " + memoryMb + " and " + o.memoryMb + " MB");
            }
            return new Usage(invocations + o.invocations, billedMillis + o.billedMillis, invocations > 0 ? memoryMb : o.memoryMb,
                    readUnits + o.readUnits, writeUnits + o.writeUnits, emails + o.emails, sqsRequests + o.sqsRequests, events + o.events,
                    scheduled + o.scheduled);
        }

        /** This usage {@code n} times over (n rounds like the one measured). */
        public Usage times(long n) {
            return new Usage(invocations * n, billedMillis * n, memoryMb, readUnits * n, writeUnits * n, emails * n, sqsRequests * n,
                    events * n, scheduled * n);
        }
    }

    /** US dollars by service. */
    public record Bill(double lambda, double dynamoDb, double ses, double sqs, double eventBridge) {
        public static final Bill ZERO = new Bill(0, 0, 0, 0, 0);

        public double total() {
            return lambda + dynamoDb + ses + sqs + eventBridge;
        }

        public Bill plus(Bill o) {
            return new Bill(lambda + o.lambda, dynamoDb + o.dynamoDb, ses + o.ses, sqs + o.sqs, eventBridge + o.eventBridge);
        }

        /** Everything but the mail: what the floor compares with SES's charge. */
        public double besidesMail() {
            return total() - ses;
        }
    }

    public static Bill bill(Usage u) {
        return new Bill(u.gbSeconds() * LAMBDA_GB_SECOND + u.invocations() * LAMBDA_REQUEST,
                u.readUnits() * DYNAMODB_READ_UNIT + u.writeUnits() * DYNAMODB_WRITE_UNIT,
                u.emails() * SES_EMAIL,
                u.sqsRequests() * SQS_REQUEST,
                u.events() * EVENTBRIDGE_EVENT + u.scheduled() * SCHEDULER_INVOCATION);
    }

    /**
     * The targets for a campaign's bill: no more than twice what SES charges for its emails (everything else
     * together costs no more than the mail), and under {@code perMemberLimit} a member. An empty campaign (no mail)
     * meets the first only if it costs nothing.
     */
    public record Targets(boolean withinTwiceMail, boolean underPerMember, double perMember) {
        public boolean met() {
            return withinTwiceMail && underPerMember;
        }
    }

    public static final double PER_MEMBER_LIMIT = 0.005;

    public static Targets targets(Bill bill, int members) {
        double perMember = bill.total() / members;
        return new Targets(bill.total() <= 2 * bill.ses() + 1e-12, perMember < PER_MEMBER_LIMIT, perMember);
    }
}
