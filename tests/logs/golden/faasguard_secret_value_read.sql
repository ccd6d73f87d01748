SELECT * FROM logs WHERE (eventSource='secretsmanager.amazonaws.com' AND eventName='GetSecretValue') AND (NOT COALESCE((errorCode IS NOT NULL), 0))
