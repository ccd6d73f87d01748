"""Terraform resource types with their CloudFormation equivalents.

``App.resource_types`` is read by rules that ask "what kind of resource is this id?" in
CloudFormation's vocabulary (a stream source, a VPC-only database, an access key). A Terraform
configuration lists its resources under the equivalent CloudFormation type, so those rules work
unchanged; each model object keeps its Terraform type in ``Resource.type``. Types without an
equivalent here keep their Terraform name.
"""

from __future__ import annotations

CLOUDFORMATION_TYPES: dict[str, str] = {
    "aws_lambda_function": "AWS::Lambda::Function",
    "aws_lambda_permission": "AWS::Lambda::Permission",
    "aws_lambda_layer_version": "AWS::Lambda::LayerVersion",
    "aws_lambda_event_source_mapping": "AWS::Lambda::EventSourceMapping",
    "aws_lambda_function_url": "AWS::Lambda::Url",
    "aws_lambda_alias": "AWS::Lambda::Alias",
    "aws_iam_role": "AWS::IAM::Role",
    "aws_iam_policy": "AWS::IAM::ManagedPolicy",
    "aws_iam_role_policy": "AWS::IAM::Policy",
    "aws_iam_access_key": "AWS::IAM::AccessKey",
    "aws_iam_user": "AWS::IAM::User",
    "aws_sqs_queue": "AWS::SQS::Queue",
    "aws_sns_topic": "AWS::SNS::Topic",
    "aws_kinesis_stream": "AWS::Kinesis::Stream",
    "aws_dynamodb_table": "AWS::DynamoDB::Table",
    "aws_msk_cluster": "AWS::MSK::Cluster",
    "aws_msk_serverless_cluster": "AWS::MSK::ServerlessCluster",
    "aws_s3_bucket": "AWS::S3::Bucket",
    "aws_kms_key": "AWS::KMS::Key",
    "aws_secretsmanager_secret": "AWS::SecretsManager::Secret",
    "aws_ssm_parameter": "AWS::SSM::Parameter",
    "aws_cloudwatch_log_group": "AWS::Logs::LogGroup",
    "aws_cloudtrail": "AWS::CloudTrail::Trail",
    "aws_sfn_state_machine": "AWS::StepFunctions::StateMachine",
    "aws_cloudwatch_event_rule": "AWS::Events::Rule",
    "aws_cloudwatch_metric_alarm": "AWS::CloudWatch::Alarm",
    "aws_db_instance": "AWS::RDS::DBInstance",
    "aws_rds_cluster": "AWS::RDS::DBCluster",
    "aws_elasticache_cluster": "AWS::ElastiCache::CacheCluster",
    "aws_elasticache_replication_group": "AWS::ElastiCache::ReplicationGroup",
    "aws_elasticache_serverless_cache": "AWS::ElastiCache::ServerlessCache",
    "aws_docdb_cluster": "AWS::DocDB::DBCluster",
    "aws_docdb_cluster_instance": "AWS::DocDB::DBInstance",
    "aws_memorydb_cluster": "AWS::MemoryDB::Cluster",
    "aws_redshift_cluster": "AWS::Redshift::Cluster",
    "aws_neptune_cluster": "AWS::Neptune::DBCluster",
    "aws_api_gateway_rest_api": "AWS::ApiGateway::RestApi",
    "aws_api_gateway_api_key": "AWS::ApiGateway::ApiKey",
    "aws_apigatewayv2_api": "AWS::ApiGatewayV2::Api",
    "aws_cognito_user_pool": "AWS::Cognito::UserPool",
    "aws_cognito_identity_pool": "AWS::Cognito::IdentityPool",
}


def cloudformation_type(terraform_type: str) -> str:
    return CLOUDFORMATION_TYPES.get(terraform_type, terraform_type)
