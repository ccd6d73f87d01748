SELECT * FROM logs WHERE (eventSource='iam.amazonaws.com' AND eventName='UpdateAssumeRolePolicy') AND (NOT COALESCE((errorCode IS NOT NULL), 0))
