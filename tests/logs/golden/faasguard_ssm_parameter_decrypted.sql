SELECT * FROM logs WHERE (eventSource='ssm.amazonaws.com' AND eventName='GetParameter' AND `requestParameters.withDecryption`='true') AND (NOT COALESCE((errorCode IS NOT NULL), 0))
