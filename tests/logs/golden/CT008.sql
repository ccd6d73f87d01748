SELECT * FROM logs WHERE (eventSource='lambda.amazonaws.com' AND eventName LIKE 'PublishLayerVersion%' ESCAPE '\') AND (NOT COALESCE((errorCode IS NOT NULL), 0))
