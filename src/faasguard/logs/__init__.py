"""CloudTrail threat detection with Sigma rules on an embedded engine."""
