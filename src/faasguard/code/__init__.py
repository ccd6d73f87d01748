"""Static analysis of function code: the AWS SDK calls each handler can make."""
