-- faasguard CloudTrail detections: columns named by CloudTrail JSON paths
CREATE OR REPLACE VIEW faasguard_cloudtrail AS
  SELECT
    awsregion AS "awsRegion",
    errorcode AS "errorCode",
    eventid AS "eventID",
    eventname AS "eventName",
    eventsource AS "eventSource",
    eventtime AS "eventTime",
    recipientaccountid AS "recipientAccountId",
    COALESCE(json_extract_scalar(requestparameters, '$.functionName'), json_format(json_extract(requestparameters, '$.functionName'))) AS "requestParameters.functionName",
    COALESCE(json_extract_scalar(requestparameters, '$.layerName'), json_format(json_extract(requestparameters, '$.layerName'))) AS "requestParameters.layerName",
    COALESCE(json_extract_scalar(requestparameters, '$.logGroupName'), json_format(json_extract(requestparameters, '$.logGroupName'))) AS "requestParameters.logGroupName",
    COALESCE(json_extract_scalar(requestparameters, '$.name'), json_format(json_extract(requestparameters, '$.name'))) AS "requestParameters.name",
    COALESCE(json_extract_scalar(requestparameters, '$.roleName'), json_format(json_extract(requestparameters, '$.roleName'))) AS "requestParameters.roleName",
    COALESCE(json_extract_scalar(requestparameters, '$.secretId'), json_format(json_extract(requestparameters, '$.secretId'))) AS "requestParameters.secretId",
    sourceipaddress AS "sourceIPAddress",
    useragent AS "userAgent",
    useridentity.accesskeyid AS "userIdentity.accessKeyId",
    useridentity.arn AS "userIdentity.arn",
    useridentity.invokedby AS "userIdentity.invokedBy",
    useridentity.sessioncontext.sessionissuer.arn AS "userIdentity.sessionContext.sessionIssuer.arn",
    useridentity.type AS "userIdentity.type",
    COALESCE(json_extract_scalar(requestparameters, '$.authType'), json_format(json_extract(requestparameters, '$.authType'))) AS "requestParameters.authType",
    COALESCE(json_extract_scalar(requestparameters, '$.layers'), json_format(json_extract(requestparameters, '$.layers'))) AS "requestParameters.layers",
    COALESCE(json_extract_scalar(requestparameters, '$.policyArn'), json_format(json_extract(requestparameters, '$.policyArn'))) AS "requestParameters.policyArn",
    COALESCE(json_extract_scalar(requestparameters, '$.policyDocument'), json_format(json_extract(requestparameters, '$.policyDocument'))) AS "requestParameters.policyDocument",
    COALESCE(json_extract_scalar(requestparameters, '$.principal'), json_format(json_extract(requestparameters, '$.principal'))) AS "requestParameters.principal",
    COALESCE(json_extract_scalar(requestparameters, '$.role'), json_format(json_extract(requestparameters, '$.role'))) AS "requestParameters.role",
    COALESCE(json_extract_scalar(requestparameters, '$.withDecryption'), json_format(json_extract(requestparameters, '$.withDecryption'))) AS "requestParameters.withDecryption",
    COALESCE(json_extract_scalar(responseelements, '$.statement'), json_format(json_extract(responseelements, '$.statement'))) AS "responseElements.statement"
  FROM cloudtrail_logs;

-- CT001 Lambda function made invocable by anyone [high]
SELECT 'CT001' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'lambda.amazonaws.com' AND LOWER(eventName) LIKE 'addpermission%' ESCAPE '\') AND (LOWER("requestParameters.principal") = '*' OR LOWER("responseElements.statement") LIKE '%"principal":"*"%' ESCAPE '\') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT002 Lambda function made invocable by another account [medium]
SELECT 'CT002' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'lambda.amazonaws.com' AND LOWER(eventName) LIKE 'addpermission%' ESCAPE '\') AND (LOWER("requestParameters.principal") LIKE '____________' ESCAPE '\' OR LOWER("requestParameters.principal") LIKE 'arn:aws:iam::%' ESCAPE '\') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT003 Lambda layer version made public [high]
SELECT 'CT003' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'lambda.amazonaws.com' AND LOWER(eventName) LIKE 'addlayerversionpermission%' ESCAPE '\' AND LOWER("requestParameters.principal") = '*') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT004 Lambda layer version shared with another account [medium]
SELECT 'CT004' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'lambda.amazonaws.com' AND LOWER(eventName) LIKE 'addlayerversionpermission%' ESCAPE '\') AND LOWER("requestParameters.principal") LIKE '____________' ESCAPE '\' AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT005 Lambda function URL without authentication [high]
SELECT 'CT005' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'lambda.amazonaws.com' AND (LOWER(eventName) LIKE 'createfunctionurlconfig%' ESCAPE '\' OR LOWER(eventName) LIKE 'updatefunctionurlconfig%' ESCAPE '\') AND LOWER("requestParameters.authType") = 'none') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT006 Lambda function code changed outside the deployment pipeline [high]
SELECT 'CT006' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'lambda.amazonaws.com' AND LOWER(eventName) LIKE 'updatefunctioncode%' ESCAPE '\') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT007 Lambda function configuration changed outside the deployment pipeline [medium]
SELECT 'CT007' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'lambda.amazonaws.com' AND LOWER(eventName) LIKE 'updatefunctionconfiguration%' ESCAPE '\') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT008 Lambda layer published outside the deployment pipeline [medium]
SELECT 'CT008' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'lambda.amazonaws.com' AND LOWER(eventName) LIKE 'publishlayerversion%' ESCAPE '\') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT009 Lambda function execution role changed outside the deployment pipeline [high]
SELECT 'CT009' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'lambda.amazonaws.com' AND LOWER(eventName) LIKE 'updatefunctionconfiguration%' ESCAPE '\') AND NOT "requestParameters.role" IS NULL AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT010 Lambda layer from another account attached to a function [high]
SELECT 'CT010' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'lambda.amazonaws.com' AND (LOWER(eventName) LIKE 'updatefunctionconfiguration%' ESCAPE '\' OR LOWER(eventName) LIKE 'createfunction%' ESCAPE '\')) AND LOWER("requestParameters.layers") LIKE '%arn:aws:lambda:%' ESCAPE '\' AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT011 Lambda function created outside the deployment pipeline [medium]
SELECT 'CT011' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'lambda.amazonaws.com' AND LOWER(eventName) LIKE 'createfunction%' ESCAPE '\') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT012 Lambda function created and then invoked by the same non-deploy principal [high]
-- Sigma temporal_ordered correlation over faasguard_lambda_function_created, faasguard_lambda_function_run: threshold 2 within 3600 s per userIdentity.arn; faasguard evaluates the windows over these queries' hits.
SELECT 'faasguard_lambda_function_created' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'lambda.amazonaws.com' AND LOWER(eventName) LIKE 'createfunction%' ESCAPE '\') AND (NOT COALESCE((LOWER(eventName) LIKE 'createfunctionurlconfig%' ESCAPE '\'), FALSE)) AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT012 Lambda function created and then invoked by the same non-deploy principal [high]
-- Sigma temporal_ordered correlation over faasguard_lambda_function_created, faasguard_lambda_function_run: threshold 2 within 3600 s per userIdentity.arn; faasguard evaluates the windows over these queries' hits.
SELECT 'faasguard_lambda_function_run' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'lambda.amazonaws.com' AND (LOWER(eventName) LIKE 'invoke%' ESCAPE '\' OR LOWER(eventName) LIKE 'createeventsourcemapping%' ESCAPE '\')) AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT013 Lambda role credentials used outside Lambda [critical]
-- Sigma temporal correlation over faasguard_lambda_runtime_call, faasguard_assumed_role_call_outside_lambda: threshold 2 within 43200 s per userIdentity.accessKeyId; faasguard evaluates the windows over these queries' hits.
SELECT 'faasguard_lambda_runtime_call' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE LOWER("userIdentity.type") = 'assumedrole' AND LOWER(userAgent) LIKE '%exec-env/aws\_lambda\_%' ESCAPE '\';

-- CT013 Lambda role credentials used outside Lambda [critical]
-- Sigma temporal correlation over faasguard_lambda_runtime_call, faasguard_assumed_role_call_outside_lambda: threshold 2 within 43200 s per userIdentity.accessKeyId; faasguard evaluates the windows over these queries' hits.
SELECT 'faasguard_assumed_role_call_outside_lambda' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER("userIdentity.type") = 'assumedrole' AND LOWER("userIdentity.accessKeyId") LIKE 'asia%' ESCAPE '\') AND (NOT COALESCE((LOWER(userAgent) LIKE '%exec-env/aws\_lambda\_%' ESCAPE '\'), FALSE)) AND (NOT COALESCE((LOWER(sourceIPAddress) LIKE '%.amazonaws.com' ESCAPE '\'), FALSE));

-- CT014 Burst of Secrets Manager reads by one principal [high]
-- Sigma value_count correlation over faasguard_secret_value_read: threshold 5 distinct requestParameters.secretId within 600 s per userIdentity.arn; faasguard evaluates the windows over these queries' hits.
SELECT 'faasguard_secret_value_read' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'secretsmanager.amazonaws.com' AND LOWER(eventName) = 'getsecretvalue') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT015 Burst of SSM SecureString parameter reads by one principal [high]
-- Sigma value_count correlation over faasguard_ssm_parameter_decrypted: threshold 5 distinct requestParameters.name within 600 s per userIdentity.arn; faasguard evaluates the windows over these queries' hits.
SELECT 'faasguard_ssm_parameter_decrypted' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'ssm.amazonaws.com' AND LOWER(eventName) = 'getparameter' AND LOWER("requestParameters.withDecryption") = 'true') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT016 Burst of access-denied errors by one principal [medium]
-- Sigma event_count correlation over faasguard_access_denied: threshold 10 within 600 s per userIdentity.arn; faasguard evaluates the windows over these queries' hits.
SELECT 'faasguard_access_denied' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE LOWER(errorCode) = 'accessdenied' OR LOWER(errorCode) = 'accessdeniedexception' OR LOWER(errorCode) = 'client.unauthorizedoperation' OR LOWER(errorCode) = 'unauthorizedoperation' OR LOWER(errorCode) = 'client.unauthorizedaccess';

-- CT017 CloudTrail trail stopped or deleted [high]
SELECT 'CT017' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'cloudtrail.amazonaws.com' AND (LOWER(eventName) = 'stoplogging' OR LOWER(eventName) = 'deletetrail' OR LOWER(eventName) = 'deleteeventdatastore' OR LOWER(eventName) = 'stopeventdatastoreingestion')) AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT018 CloudTrail event selectors or trail settings changed [medium]
SELECT 'CT018' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'cloudtrail.amazonaws.com' AND (LOWER(eventName) = 'puteventselectors' OR LOWER(eventName) = 'putinsightselectors' OR LOWER(eventName) = 'updatetrail' OR LOWER(eventName) = 'updateeventdatastore')) AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT019 Log group of a Lambda function deleted [high]
SELECT 'CT019' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'logs.amazonaws.com' AND LOWER(eventName) = 'deleteloggroup' AND LOWER("requestParameters.logGroupName") LIKE '/aws/lambda/%' ESCAPE '\') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT020 Retention of a Lambda function's log group changed [low]
SELECT 'CT020' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'logs.amazonaws.com' AND (LOWER(eventName) = 'putretentionpolicy' OR LOWER(eventName) = 'deleteretentionpolicy') AND LOWER("requestParameters.logGroupName") LIKE '/aws/lambda/%' ESCAPE '\') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT021 Log subscription of a Lambda function's log group deleted [medium]
SELECT 'CT021' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'logs.amazonaws.com' AND LOWER(eventName) = 'deletesubscriptionfilter' AND LOWER("requestParameters.logGroupName") LIKE '/aws/lambda/%' ESCAPE '\') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT022 IAM role trust policy changed [medium]
SELECT 'CT022' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'iam.amazonaws.com' AND LOWER(eventName) = 'updateassumerolepolicy') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT023 Administrator-level managed policy attached to a role [high]
SELECT 'CT023' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'iam.amazonaws.com' AND LOWER(eventName) = 'attachrolepolicy' AND (LOWER("requestParameters.policyArn") LIKE '%:policy/administratoraccess' ESCAPE '\' OR LOWER("requestParameters.policyArn") LIKE '%:policy/poweruseraccess' ESCAPE '\' OR LOWER("requestParameters.policyArn") LIKE '%:policy/iamfullaccess' ESCAPE '\')) AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT024 Inline policy allowing every action put on a role [high]
SELECT 'CT024' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'iam.amazonaws.com' AND LOWER(eventName) = 'putrolepolicy') AND (LOWER("requestParameters.policyDocument") LIKE '%"action":"*"%' ESCAPE '\' OR LOWER("requestParameters.policyDocument") LIKE '%"action": "*"%' ESCAPE '\' OR LOWER("requestParameters.policyDocument") LIKE '%"action":["*"]%' ESCAPE '\' OR LOWER("requestParameters.policyDocument") LIKE '%"action": ["*"]%' ESCAPE '\') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));

-- CT025 Secrets Manager batch read [medium]
SELECT 'CT025' AS faasguard_query, * FROM faasguard_cloudtrail
WHERE (LOWER(eventSource) = 'secretsmanager.amazonaws.com' AND LOWER(eventName) = 'batchgetsecretvalue') AND (NOT COALESCE((NOT errorCode IS NULL), FALSE));
