"""IAM knowledge: action matching and access levels, privilege escalation, managed policies.

Pure functions over the model and shipped data (``faasguard/data/iam_*.json``); this package never
imports a pipeline stage (loaders, rules, report, engine, cli).
"""
