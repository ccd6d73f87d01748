SELECT * FROM logs WHERE (eventSource='lambda.amazonaws.com' AND eventName LIKE 'UpdateFunctionCode%' ESCAPE '\') AND (NOT COALESCE((errorCode IS NOT NULL), 0))
