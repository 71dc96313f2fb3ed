"""Just enough of CloudFormation to create the merge template's resources on the emulator.

Resolves the intrinsic functions the template uses (Ref, Fn::Sub, Fn::GetAtt) and creates each
resource through the service's API, from the same properties CloudFormation would get.
"""
from __future__ import annotations

import json
import re
import secrets
import string
from typing import Any, Callable

_SUB = re.compile(r"\$\{([^}]+)\}")


class Resolver:
    """Values of Ref / GetAtt / Sub for what has been created so far."""

    def __init__(self, region: str, account: str, parameters: dict[str, str]) -> None:
        self.refs: dict[str, str] = {
            "AWS::Region": region, "AWS::AccountId": account, "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com", **parameters,
        }
        self.attrs: dict[str, dict[str, str]] = {}

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "Ref" in value:
            return self.refs[value["Ref"]]
        if "Fn::GetAtt" in value:
            logical, attribute = value["Fn::GetAtt"]
            return self.attrs[logical][attribute]
        if "Fn::Sub" in value:
            return _SUB.sub(lambda m: self._sub_name(m.group(1)), value["Fn::Sub"])
        return {k: self.resolve(v) for k, v in value.items()}

    def _sub_name(self, name: str) -> str:
        if "." in name:
            logical, attribute = name.split(".", 1)
            return self.attrs[logical][attribute]
        return self.refs[name]


def _generate_secret(spec: dict) -> str:
    alphabet = string.ascii_letters + string.digits
    value = "".join(secrets.choice(alphabet) for _ in range(spec.get("PasswordLength", 32)))
    if "SecretStringTemplate" in spec:
        document = json.loads(spec["SecretStringTemplate"])
        document[spec["GenerateStringKey"]] = value
        return json.dumps(document)
    return value


# Resource types the local stack deliberately leaves out, and why.
NOT_EMULATED = {
    "AWS::IAM::Role": "moto does not enforce IAM; policies are linted instead",
    "AWS::CloudWatch::Alarm": "alarms act on AWS metrics; locally metrics are read from build/lambda.log",
    "AWS::Logs::LogGroup": "locally the functions log to build/lambda.log",
    "AWS::Lambda::Permission": "moto does not enforce resource policies; SNS invokes functions regardless",
}


class Provisioner:
    """Creates the template's resources on the emulator, in dependency-friendly order."""

    ORDER = ["AWS::DynamoDB::Table", "AWS::SNS::Topic", "AWS::SNS::Subscription", "AWS::SecretsManager::Secret",
             "AWS::S3::Bucket", "AWS::SES::EmailIdentity", "AWS::SES::ConfigurationSet",
             "AWS::SES::ConfigurationSetEventDestination", "AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient",
             "AWS::Cognito::UserPoolGroup", "AWS::StepFunctions::StateMachine"]

    def __init__(self, session, resolver: Resolver) -> None:
        self._session = session
        self._resolver = resolver
        self._creators: dict[str, Callable[[str, dict], None]] = {
            "AWS::DynamoDB::Table": self._table, "AWS::SNS::Topic": self._topic,
            "AWS::SNS::Subscription": self._subscription, "AWS::SecretsManager::Secret": self._secret,
            "AWS::S3::Bucket": self._bucket,
            "AWS::SES::EmailIdentity": self._email_identity,
            "AWS::SES::ConfigurationSet": self._configuration_set,
            "AWS::SES::ConfigurationSetEventDestination": self._event_destination,
            "AWS::Cognito::UserPool": self._user_pool, "AWS::Cognito::UserPoolClient": self._user_pool_client,
            "AWS::Cognito::UserPoolGroup": self._user_pool_group,
            "AWS::StepFunctions::StateMachine": self._state_machine,
        }
        self._clients: dict[str, Any] = {}

    def _client(self, service: str) -> Any:
        """One client per service for the whole template (hundreds of resources; a client takes ~15 ms to build)."""
        if service not in self._clients:
            self._clients[service] = self._session.client(service)
        return self._clients[service]

    def create_all(self, template: dict) -> None:
        """Creates every resource, or says which one this emulator cannot stand in for."""
        resources = template["Resources"]
        unknown = sorted(f"{logical} ({r['Type']})" for logical, r in resources.items()
                         if r.get("Type") and r["Type"] not in self.ORDER and r["Type"] not in NOT_EMULATED)
        if unknown:
            raise ValueError(f"the local stack cannot create: {', '.join(unknown)}")
        for kind in self.ORDER:
            for logical, resource in resources.items():
                if resource.get("Type") == kind:
                    self._creators[kind](logical, resource["Properties"])

    def _table(self, logical: str, props: dict) -> None:
        p = self._resolver.resolve(props)
        args = {k: p[k] for k in ("TableName", "AttributeDefinitions", "KeySchema", "BillingMode") if k in p}
        if "GlobalSecondaryIndexes" in p:
            args["GlobalSecondaryIndexes"] = p["GlobalSecondaryIndexes"]
        client = self._client("dynamodb")
        arn = client.create_table(**args)["TableDescription"]["TableArn"]
        if "TimeToLiveSpecification" in p:
            client.update_time_to_live(TableName=p["TableName"], TimeToLiveSpecification=p["TimeToLiveSpecification"])
        self._resolver.refs[logical] = p["TableName"]
        self._resolver.attrs[logical] = {"Arn": arn}

    def _topic(self, logical: str, props: dict) -> None:
        p = self._resolver.resolve(props)
        arn = self._client("sns").create_topic(Name=p["TopicName"])["TopicArn"]
        self._resolver.refs[logical] = arn
        self._resolver.attrs[logical] = {"TopicName": p["TopicName"], "TopicArn": arn}

    def _subscription(self, logical: str, props: dict) -> None:
        p = self._resolver.resolve(props)
        arn = self._client("sns").subscribe(TopicArn=p["TopicArn"], Protocol=p["Protocol"], Endpoint=p["Endpoint"])
        self._resolver.refs[logical] = arn["SubscriptionArn"]

    def _secret(self, logical: str, props: dict) -> None:
        p = self._resolver.resolve(props)
        value = p.get("SecretString") or _generate_secret(p["GenerateSecretString"])
        arn = self._client("secretsmanager").create_secret(Name=p["Name"], SecretString=value)["ARN"]
        self._resolver.refs[logical] = arn
        self._resolver.attrs[logical] = {"Id": arn}

    def _bucket(self, logical: str, props: dict) -> None:
        p = self._resolver.resolve(props)
        self._client("s3").create_bucket(
            Bucket=p["BucketName"], CreateBucketConfiguration={"LocationConstraint": self._resolver.refs["AWS::Region"]})
        self._resolver.refs[logical] = p["BucketName"]
        self._resolver.attrs[logical] = {"Arn": f"arn:aws:s3:::{p['BucketName']}"}

    def _email_identity(self, logical: str, props: dict) -> None:
        identity = self._resolver.resolve(props["EmailIdentity"])
        self._client("sesv2").create_email_identity(EmailIdentity=identity)  # moto verifies it at once
        self._resolver.refs[logical] = identity

    def _configuration_set(self, logical: str, props: dict) -> None:
        name = self._resolver.resolve(props["Name"])
        self._client("sesv2").create_configuration_set(ConfigurationSetName=name)
        self._resolver.refs[logical] = name

    def _event_destination(self, logical: str, props: dict) -> None:
        p = self._resolver.resolve(props)
        destination = p["EventDestination"]
        self._client("ses").create_configuration_set_event_destination(  # moto has it in SES v1 only
            ConfigurationSetName=p["ConfigurationSetName"], EventDestination={
                "Name": destination["Name"], "Enabled": destination.get("Enabled", True),
                "MatchingEventTypes": destination["MatchingEventTypes"],
                "SNSDestination": {"TopicARN": destination["SnsDestination"]["TopicARN"]}})
        self._resolver.refs[logical] = destination["Name"]

    def _user_pool(self, logical: str, props: dict) -> None:
        p = self._resolver.resolve(props)
        pool = self._client("cognito-idp").create_user_pool(
            PoolName=p["UserPoolName"], Policies=p["Policies"], AdminCreateUserConfig=p["AdminCreateUserConfig"],
            UsernameConfiguration=p["UsernameConfiguration"])["UserPool"]
        self._resolver.refs[logical] = pool["Id"]
        self._resolver.attrs[logical] = {"Arn": pool["Arn"], "ProviderName": f"cognito-idp/{pool['Id']}"}

    def _user_pool_client(self, logical: str, props: dict) -> None:
        p = self._resolver.resolve(props)
        client = self._client("cognito-idp").create_user_pool_client(
            UserPoolId=p["UserPoolId"], ClientName=p["ClientName"], GenerateSecret=p["GenerateSecret"],
            ExplicitAuthFlows=p["ExplicitAuthFlows"])["UserPoolClient"]
        self._resolver.refs[logical] = client["ClientId"]

    def _user_pool_group(self, logical: str, props: dict) -> None:
        p = self._resolver.resolve(props)
        self._client("cognito-idp").create_group(GroupName=p["GroupName"], UserPoolId=p["UserPoolId"])
        self._resolver.refs[logical] = p["GroupName"]

    def _state_machine(self, logical: str, props: dict) -> None:
        # Created through the Step Functions API (not moto's CloudFormation), so that the
        # executing backend runs it; the definition gets the template's own substitutions.
        substitutions = self._resolver.resolve(props.get("DefinitionSubstitutions", {}))
        definition = _SUB.sub(lambda m: substitutions[m.group(1)], json.dumps(props["Definition"]))
        name = self._resolver.resolve(props["StateMachineName"])
        arn = self._client("stepfunctions").create_state_machine(
            name=name, definition=definition, type=props.get("StateMachineType", "STANDARD"),
            roleArn=f"arn:aws:iam::{self._resolver.refs['AWS::AccountId']}:role/{name}",
        )["stateMachineArn"]
        self._resolver.refs[logical] = arn
        self._resolver.attrs[logical] = {"Arn": arn, "Name": name}
