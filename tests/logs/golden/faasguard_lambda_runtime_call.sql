SELECT * FROM logs WHERE `userIdentity.type`='AssumedRole' AND userAgent LIKE '%exec-env/AWS\_Lambda\_%' ESCAPE '\'
