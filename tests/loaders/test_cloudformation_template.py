"""Whole-template behaviour: framework detection, SAM + plain resources together, conditions."""

from __future__ import annotations

from faasguard.loaders.cloudformation import Template, load_template
from faasguard.loaders.yamljson import YMap, loads
from faasguard.model import Framework

SAM = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
  ExtraGrant:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [!Ref FnRole]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: s3:*
            Resource: "*"
  Url:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !Ref Fn
      AuthType: AWS_IAM
"""


def test_sam_template_gets_plain_resources_attached_to_sam_ones() -> None:
    app = load_template(loads(SAM, "template.yaml"), ".")
    assert app.framework is Framework.SAM
    role = app.role("FnRole")  # SAM's implicit role
    assert role is not None
    extra = [s for s in role.statements if s.source == "policy ExtraGrant"]
    assert [(s.actions, s.location.line) for s in extra] == [(("s3:*",), 16)]
    fn = app.function("Fn")
    assert fn is not None and fn.url is not None and fn.url.auth_type == "AWS_IAM"
    assert dict(app.resource_types) == {
        "Fn": "AWS::Serverless::Function",
        "ExtraGrant": "AWS::IAM::Policy",
        "Url": "AWS::Lambda::Url",
    }


CDK = """\
Resources:
  Fn1234:
    Type: AWS::Lambda::Function
    Metadata:
      aws:cdk:path: Stack/Fn/Resource
      aws:asset:path: asset.abc123
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Code:
        S3Bucket: cdk-assets
        S3Key: abc123.zip
"""


def test_cdk_is_recognised_by_metadata_or_directory() -> None:
    app = load_template(loads(CDK, "infra/Stack.template.json"), ".")
    assert app.framework is Framework.CDK
    fn = app.function("Fn1234")
    assert fn is not None and fn.framework is Framework.CDK
    assert (fn.code_uri, fn.code_dir) == ("asset.abc123", "infra/asset.abc123")
    plain = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
    assert load_template(loads(plain, "cdk.out/S.template.json"), ".").framework is Framework.CDK
    assert load_template(loads(plain, "t.yaml"), ".").framework is Framework.CLOUDFORMATION


CONDITIONAL = """\
Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Condition: IsProd
    Properties:
      BucketEncryption: !If
        - IsProd
        - ServerSideEncryptionConfiguration:
            - ServerSideEncryptionByDefault: {SSEAlgorithm: AES256}
        - !Ref AWS::NoValue
"""


def test_resource_condition_and_undecided_structural_if() -> None:
    app = load_template(loads(CONDITIONAL, "c.yaml"), ".")
    (bucket,) = app.data_stores
    assert bucket.condition == "IsProd"
    # Env has no default: the If is undecided, its first branch is read and that is said
    assert bucket.encryption is not None and bucket.encryption.kind == "service"
    assert bucket.assumptions == ("condition IsProd undecided: the first branch of Fn::If is read",)


def test_template_helpers_for_the_sam_loader() -> None:
    tpl = Template(loads(SAM, "template.yaml"), ".")
    assert tpl.is_sam and tpl.transforms == ("AWS::Serverless-2016-10-31",)
    assert tpl.location("Url").line == 19
    assert tpl.condition_of("Url") is None and tpl.ignores("Url") == ()
    assert isinstance(tpl.globals, YMap) and len(tpl.globals) == 0
    props = tpl.resources["ExtraGrant"]
    assert isinstance(props, YMap)
    inner = props["Properties"]
    assert isinstance(inner, YMap)
    found = tpl.field_locations(inner, {"roles": "Roles", "doc": "PolicyDocument.Statement"})
    assert [(name, loc.line) for name, loc in found] == [("roles", 13), ("doc", 15)]


SHARED_DEFAULT = """\
Parameters:
  Stage: {Type: String, Default: dev}
  Token: {Type: String, NoEcho: true}
Resources:
  A:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub "a-${Stage}"}
  B:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub "b-${Stage}"}
  C:
    Type: AWS::Lambda::Function
    Properties:
      Code: {S3Bucket: artifacts, S3Key: fn.zip}
  D:
    Type: AWS::Lambda::Function
    Properties:
      Code: ./src/d
"""


def test_each_resource_is_told_about_the_defaults_it_used() -> None:
    app = load_template(loads(SHARED_DEFAULT, "stack/t.yaml"), ".")
    queues = {c.id: (c.name, c.assumptions) for c in app.channels}
    note = ("parameter Stage: default 'dev' used",)
    assert queues == {"A": ("a-dev", note), "B": ("b-dev", note)}
    assert [(p.name, p.default, p.no_echo, p.location.line) for p in app.parameters] == [
        ("Stage", "dev", False, 2),
        ("Token", None, True, 3),
    ]
    code = {f.id: (f.code_uri, f.code_dir) for f in app.functions}
    assert code == {"C": ("s3://artifacts/fn.zip", None), "D": ("./src/d", "stack/src/d")}
