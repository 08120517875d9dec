"""
Creates, in an AWS emulator, the resources template.yaml declares for the functions, and records each function's
environment, so that every function can run against the emulator (./appban invoke, the cold-start bench, tests).

Runs as a LocalStack init hook (ready.d: LocalStack exec()s it in its own interpreter, which has boto3 and PyYAML)
and as a plain script against any emulator, e.g. the moto server of the integration tests:

    AWS_ENDPOINT_URL=http://127.0.0.1:5000 python3 infra/localstack/init/ready.d/appban-resources.py

It reads template.yaml rather than repeating it: tables with their keys and indexes, buckets, queues with their
dead-letter queues, topics, the event bus, secrets, SSM parameters (the kill switch), the SES configuration set, and
the SES identities of the sender. Names are appban-<stage>-<LogicalId> unless the template names the resource.
Secrets get the simulators' well-known test credentials (MDM: Intune simulator; NAC: Cisco ISE simulator, at the
ports `./appban simulators --ports 4601,4602,4603` listens on), or a generated value as the template asks.

What it records, in SSM Parameter Store of the emulator (and in APPBAN_RESOURCES_OUT, a JSON file, when set):
    /appban/<stage>/resources/<LogicalId>   {"type", "ref", "arn"?, "name"?}   what it created
    /appban/<stage>/env/<FunctionLogicalId> {"VARIABLE": "value", ...}          Globals + the function's own

Settings (environment variables):
    AWS_ENDPOINT_URL or APPBAN_ENDPOINT_URL   the emulator; required (never runs against real AWS)
    AWS_REGION                                default ap-southeast-2
    APPBAN_STAGE                              default "local": the template's Stage parameter, part of every name
    APPBAN_TEMPLATE                           default /etc/appban/template.yaml, else the repository's template.yaml
    APPBAN_PARAM_<Name>                       a template parameter's value (default: the template's default)
    APPBAN_SECRET_<LogicalId>                 a secret's value instead of the simulators' credentials
    APPBAN_SIM_HOST, APPBAN_SIM_PORTS         where the simulators listen (127.0.0.1; 4601,4602,4603)
    APPBAN_RESOURCES_OUT                      also write the record as JSON to this file

Idempotent: what exists already is left as it is (a second run creates nothing and records the same).
"""

import json
import os
import secrets as random_secrets
import string
import sys

import boto3
import yaml
from botocore.exceptions import ClientError

# Types the functions' code talks to; anything else (roles, alarms, schedules, log groups...) is left out: the
# functions run in-process, not as Lambda functions of the emulator.
EMULATED = {
    "AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::Events::EventBus",
    "AWS::SecretsManager::Secret", "AWS::SSM::Parameter", "AWS::SES::ConfigurationSet",
}
FUNCTION = "AWS::Serverless::Function"
LOCALSTACK_ENDPOINT = "http://localhost:4566"


class Template:
    """template.yaml with its intrinsics resolved against what was created in the emulator."""

    def __init__(self, doc, stage, region, account, create):
        self.doc = doc
        self.resources = doc.get("Resources", {})
        self.region = region
        self.account = account
        self.create = create  # logical id -> created record (creates on first use)
        self.params = {}
        for name, spec in doc.get("Parameters", {}).items():
            value = os.environ.get("APPBAN_PARAM_" + name, spec.get("Default"))
            if name == "Stage":
                value = stage
            self.params[name] = None if value is None else str(value)
        self.conditions = {}

    def pseudo(self, name):
        return {
            "AWS::AccountId": self.account, "AWS::Region": self.region, "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "appban-" + self.params["Stage"],
            "AWS::NoValue": None,
        }[name]

    def condition(self, name):
        if name not in self.conditions:
            self.conditions[name] = bool(self.value(self.doc["Conditions"][name]))
        return self.conditions[name]

    def ref(self, name):
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in self.params:
            if self.params[name] is None:
                raise SystemExit("template parameter %s has no default: set APPBAN_PARAM_%s" % (name, name))
            return self.params[name]
        return self.create(name)["ref"]

    def get_att(self, name, attribute):
        record = self.create(name)
        key = attribute[0].lower() + attribute[1:]
        if key in record:
            return record[key]
        raise SystemExit("Fn::GetAtt %s.%s: the emulator record has %s" % (name, attribute, sorted(record)))

    def sub(self, text, variables=None):
        out, i = [], 0
        while i < len(text):
            start = text.find("${", i)
            if start < 0:
                out.append(text[i:])
                break
            out.append(text[i:start])
            end = text.index("}", start)
            name = text[start + 2:end]
            if name.startswith("!"):
                out.append("${" + name[1:] + "}")
            elif variables and name in variables:
                out.append(str(self.value(variables[name])))
            elif "." in name and not name.startswith("AWS::"):
                resource, attribute = name.split(".", 1)
                out.append(str(self.get_att(resource, attribute)))
            else:
                out.append(str(self.ref(name)))
            i = end + 1
        return "".join(out)

    def value(self, node):
        """Resolves intrinsics (long form only: the template avoids the short !Ref tags)."""
        if isinstance(node, list):
            return [self.value(v) for v in node]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                resource, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.get_att(resource, attribute)
            if key == "Fn::Sub":
                return self.sub(arg) if isinstance(arg, str) else self.sub(arg[0], arg[1])
            if key == "Fn::Join":
                return arg[0].join(str(self.value(v)) for v in self.value(arg[1]))
            if key == "Fn::If":
                return self.value(arg[1] if self.condition(arg[0]) else arg[2])
            if key == "Fn::Equals":
                return str(self.value(arg[0])) == str(self.value(arg[1]))
            if key == "Fn::Not":
                return not self.value(arg[0])
            if key == "Fn::And":
                return all(self.value(a) for a in arg)
            if key == "Fn::Or":
                return any(self.value(a) for a in arg)
            if key == "Condition":
                return self.condition(arg)
            if key == "Fn::Select":
                return self.value(arg[1])[int(self.value(arg[0]))]
            if key == "Fn::Split":
                return str(self.value(arg[1])).split(arg[0])
        return {k: self.value(v) for k, v in node.items()}


class Emulator:
    """Creates each resource on first use and remembers what it made."""

    def __init__(self, endpoint, region, stage, template_doc):
        self.stage = stage
        self.region = region
        session = boto3.session.Session(
            aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
            aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
            region_name=region)
        self.client = lambda service: session.client(service, endpoint_url=endpoint)
        account = self.client("sts").get_caller_identity()["Account"]
        self.records = {}
        self.template = Template(template_doc, stage, region, account, self.ensure)
        self.sim_host = os.environ.get("APPBAN_SIM_HOST", "127.0.0.1")
        ports = os.environ.get("APPBAN_SIM_PORTS", "4601,4602,4603").split(",")
        self.sim_ports = {"intune": ports[0].strip(), "jamf": ports[1].strip(), "ise": ports[2].strip()}

    def name(self, logical_id, properties, key, lower=False):
        explicit = properties.get(key)
        if explicit is not None:
            return str(self.template.value(explicit))
        name = "appban-%s-%s" % (self.stage, logical_id)
        return name.lower() if lower else name

    def ensure(self, logical_id):
        if logical_id in self.records:
            return self.records[logical_id]
        resource = self.template.resources.get(logical_id)
        if resource is None and logical_id.endswith("Url") and "FunctionUrlConfig" in (
                self.template.resources.get(logical_id[:-3], {}).get("Properties", {})):
            # SAM generates <Function>Url for a function's FunctionUrlConfig.
            resource = {"Type": "AWS::Lambda::Url", "Properties": {}}
        if resource is None:
            raise SystemExit("template.yaml has no resource or parameter %s" % logical_id)
        kind = resource["Type"]
        properties = resource.get("Properties", {})
        make = {
            "AWS::DynamoDB::Table": self.table, "AWS::S3::Bucket": self.bucket, "AWS::SQS::Queue": self.queue,
            "AWS::SNS::Topic": self.topic, "AWS::Events::EventBus": self.event_bus,
            "AWS::SecretsManager::Secret": self.secret, "AWS::SSM::Parameter": self.parameter,
            "AWS::SES::ConfigurationSet": self.configuration_set,
            "AWS::Lambda::Url": self.function_url, FUNCTION: self.function,
        }.get(kind)
        if make is None:
            raise SystemExit("%s (%s) is not emulated, but a function's environment refers to it" % (logical_id, kind))
        record = make(logical_id, properties)
        record["type"] = kind
        self.records[logical_id] = record
        return record

    def table(self, logical_id, p):
        name = self.name(logical_id, p, "TableName")
        ddb = self.client("dynamodb")
        request = {
            "TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": a["AttributeName"], "AttributeType": a["AttributeType"]}
                                     for a in p["AttributeDefinitions"]],
            "KeySchema": [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in p["KeySchema"]],
        }
        indexes = [{
            "IndexName": g["IndexName"],
            "KeySchema": [{"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in g["KeySchema"]],
            "Projection": {k: v for k, v in g.get("Projection", {"ProjectionType": "ALL"}).items()},
        } for g in p.get("GlobalSecondaryIndexes", [])]
        if indexes:
            request["GlobalSecondaryIndexes"] = indexes
        try:
            arn = ddb.create_table(**request)["TableDescription"]["TableArn"]
            ddb.get_waiter("table_exists").wait(TableName=name)
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceInUseException":
                raise
            arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
        ttl = p.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={
                "Enabled": True, "AttributeName": ttl["AttributeName"]})
        return {"ref": name, "arn": arn, "name": name}

    def bucket(self, logical_id, p):
        name = self.name(logical_id, p, "BucketName", lower=True)
        s3 = self.client("s3")
        create = {"Bucket": name}
        if self.region != "us-east-1":
            create["CreateBucketConfiguration"] = {"LocationConstraint": self.region}
        # Object Lock can only be enabled when the bucket is created (it turns versioning on).
        lock = bool(self.template.value(p.get("ObjectLockEnabled", False)))
        if lock:
            create["ObjectLockEnabledForBucket"] = True
        try:
            s3.create_bucket(**create)
        except ClientError as e:
            if e.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise
        if p.get("VersioningConfiguration", {}).get("Status") == "Enabled" and not lock:
            s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        rule = p.get("ObjectLockConfiguration", {}).get("Rule")
        if lock and rule:
            retention = rule["DefaultRetention"]
            default = {"Mode": retention["Mode"]}
            for unit in ("Days", "Years"):
                if unit in retention:
                    default[unit] = int(self.template.value(retention[unit]))
            s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": default}})
        return {"ref": name, "arn": "arn:aws:s3:::" + name, "name": name, "domainName": name + ".s3.amazonaws.com"}

    def queue(self, logical_id, p):
        name = self.name(logical_id, p, "QueueName")
        attributes = {}
        for key in ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds",
                    "MaximumMessageSize", "FifoQueue", "ContentBasedDeduplication"):
            if key in p:
                attributes[key] = str(self.template.value(p[key])).lower() if isinstance(p[key], bool) else str(self.template.value(p[key]))
        if "RedrivePolicy" in p:
            attributes["RedrivePolicy"] = json.dumps(self.template.value(p["RedrivePolicy"]))
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return {"ref": url, "arn": arn, "name": name, "queueName": name, "queueUrl": url}

    def topic(self, logical_id, p):
        name = self.name(logical_id, p, "TopicName")
        arn = self.client("sns").create_topic(Name=name)["TopicArn"]
        return {"ref": arn, "arn": arn, "name": name, "topicArn": arn, "topicName": name}

    def event_bus(self, logical_id, p):
        name = self.name(logical_id, p, "Name")
        events = self.client("events")
        try:
            arn = events.create_event_bus(Name=name)["EventBusArn"]
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceAlreadyExistsException":
                raise
            arn = events.describe_event_bus(Name=name)["Arn"]
        return {"ref": name, "arn": arn, "name": name}

    def secret(self, logical_id, p):
        name = self.name(logical_id, p, "Name")
        value = os.environ.get("APPBAN_SECRET_" + logical_id) or self.secret_value(logical_id, p)
        sm = self.client("secretsmanager")
        try:
            arn = sm.create_secret(Name=name, SecretString=value)["ARN"]
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceExistsException":
                raise
            arn = sm.describe_secret(SecretId=name)["ARN"]
        return {"ref": arn, "arn": arn, "name": name}

    def secret_value(self, logical_id, p):
        """The simulators' test credentials for MDM and NAC secrets; otherwise what the template asks for."""
        lowered = logical_id.lower()
        if "mdm" in lowered:
            base = "http://%s:%s" % (self.sim_host, self.sim_ports["intune"])
            return json.dumps({"kind": "intune", "tenant": "sim-tenant", "clientId": "sim-graph-client",
                               "clientSecret": "sim-graph-secret", "loginUrl": base, "graphUrl": base})
        if "nac" in lowered:
            return json.dumps({"kind": "ise", "url": "http://%s:%s" % (self.sim_host, self.sim_ports["ise"]),
                               "username": "sim-ers-admin", "password": "sim-ers-password", "policyName": "Quarantine"})
        if "SecretString" in p:
            return str(self.template.value(p["SecretString"]))
        generate = p.get("GenerateSecretString", {})
        alphabet = string.ascii_letters + string.digits + ("" if generate.get("ExcludePunctuation") else "!#$%&()*+,-.:;<=>?@[]^_{|}~")
        for excluded in generate.get("ExcludeCharacters", ""):
            alphabet = alphabet.replace(excluded, "")
        generated = "".join(random_secrets.choice(alphabet) for _ in range(int(generate.get("PasswordLength", 32))))
        if "GenerateStringKey" in generate:
            document = json.loads(generate.get("SecretStringTemplate", "{}"))
            document[generate["GenerateStringKey"]] = generated
            return json.dumps(document)
        return generated

    def parameter(self, logical_id, p):
        name = self.name(logical_id, p, "Name")
        ssm = self.client("ssm")
        try:
            ssm.get_parameter(Name=name)
        except ClientError as e:
            if e.response["Error"]["Code"] != "ParameterNotFound":
                raise
            ssm.put_parameter(Name=name, Type=str(self.template.value(p.get("Type", "String"))),
                              Value=str(self.template.value(p["Value"])))
        arn = "arn:aws:ssm:%s:%s:parameter%s" % (self.region, self.template.account, name if name.startswith("/") else "/" + name)
        return {"ref": name, "arn": arn, "name": name}

    def configuration_set(self, logical_id, p):
        name = self.name(logical_id, p, "Name")
        try:
            self.client("sesv2").create_configuration_set(ConfigurationSetName=name)
        except ClientError as e:
            if "AlreadyExists" not in e.response["Error"]["Code"]:
                raise
        return {"ref": name, "name": name}

    def function_url(self, logical_id, p):
        # Functions run in-process here, so nothing serves this URL: it has the shape of a real function URL (https,
        # one host per function) because the code formats links with it and refuses anything but https.
        url = "https://%s.lambda-url.%s.on.aws/" % (("appban-%s-%s" % (self.stage, logical_id[:-3])).lower(), self.region)
        return {"ref": url, "functionUrl": url, "functionArn": url}

    def function(self, logical_id, p):
        name = "appban-%s-%s" % (self.stage, logical_id)
        arn = "arn:aws:lambda:%s:%s:function:%s" % (self.region, self.template.account, name)
        return {"ref": name, "arn": arn, "name": name}

    def sender_identities(self):
        """SES: the identities notices are sent from (the SenderIdentity domain and the SenderAddress)."""
        ses = self.client("sesv2")
        made = []
        for parameter in ("SenderIdentity", "SenderAddress"):
            identity = self.template.params.get(parameter)
            if not identity:
                continue
            try:
                ses.create_email_identity(EmailIdentity=identity)
            except ClientError as e:
                if "AlreadyExists" not in e.response["Error"]["Code"]:
                    raise
            made.append(identity)
        return made

    def function_environment(self, logical_id, resource):
        variables = dict(self.template.doc.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {}))
        variables.update(resource.get("Properties", {}).get("Environment", {}).get("Variables", {}))
        return {name: str(self.template.value(value)) for name, value in variables.items()}


def template_path():
    configured = os.environ.get("APPBAN_TEMPLATE")
    if configured:
        return configured
    if os.path.isfile("/etc/appban/template.yaml"):
        return "/etc/appban/template.yaml"
    here = globals().get("__file__")
    if here:
        return os.path.join(os.path.dirname(os.path.abspath(here)), "..", "..", "..", "..", "template.yaml")
    raise SystemExit("appban-resources: set APPBAN_TEMPLATE to the path of template.yaml")


def endpoint_url():
    endpoint = os.environ.get("APPBAN_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        return endpoint
    if os.path.isdir("/opt/code/localstack"):
        return LOCALSTACK_ENDPOINT
    raise SystemExit("appban-resources: set AWS_ENDPOINT_URL to the emulator; this script never runs against AWS")


def main():
    endpoint = endpoint_url()
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "ap-southeast-2"
    stage = os.environ.get("APPBAN_STAGE", "local")
    with open(template_path(), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    emulator = Emulator(endpoint, region, stage, doc)

    for logical_id, resource in emulator.template.resources.items():
        if resource.get("Type") in EMULATED:
            emulator.ensure(logical_id)
    identities = emulator.sender_identities()
    environments = {logical_id: emulator.function_environment(logical_id, resource)
                    for logical_id, resource in emulator.template.resources.items() if resource.get("Type") == FUNCTION}

    ssm = emulator.client("ssm")
    prefix = "/appban/%s" % stage
    for logical_id, record in emulator.records.items():
        ssm.put_parameter(Name="%s/resources/%s" % (prefix, logical_id), Type="String", Overwrite=True,
                          Value=json.dumps(record, sort_keys=True))
    for logical_id, environment in environments.items():
        ssm.put_parameter(Name="%s/env/%s" % (prefix, logical_id), Type="String", Overwrite=True,
                          Value=json.dumps(environment, sort_keys=True))

    out = os.environ.get("APPBAN_RESOURCES_OUT")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump({"stage": stage, "region": region, "account": emulator.template.account, "resources": emulator.records,
                       "environments": environments, "sesIdentities": identities}, f, indent=2, sort_keys=True)
    print("appban-resources: stage %s at %s: %d resources, %d function environments under %s/env/, SES identities %s"
          % (stage, endpoint, len(emulator.records), len(environments), prefix, ", ".join(identities)))


# LocalStack exec()s init hooks with empty globals (no __name__), so main() runs whenever the file is executed.
main()
