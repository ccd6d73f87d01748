"""Frameworks and references that several rules cite, written once so their wording stays equal.

A reference cited by a single rule stays inline in that rule's metadata.
"""

from __future__ import annotations

from faasguard.model import Framework

# Which definitions a rule is checked on: exactly the fixture folders it has
# (tests/fixtures/rules/<ID>/<framework>/), so the documentation claims only what is tested.
EVERY_FRAMEWORK = (
    Framework.SAM,
    Framework.CLOUDFORMATION,
    Framework.SERVERLESS,
    Framework.TERRAFORM,
)
SAM_CFN_TF = (Framework.SAM, Framework.CLOUDFORMATION, Framework.TERRAFORM)
CFN_SLS_TF = (Framework.CLOUDFORMATION, Framework.SERVERLESS, Framework.TERRAFORM)
SAM_SLS_TF = (Framework.SAM, Framework.SERVERLESS, Framework.TERRAFORM)
SAM_TF = (Framework.SAM, Framework.TERRAFORM)
SERVERLESS_ONLY = (Framework.SERVERLESS,)
SAM_CFN = (Framework.SAM, Framework.CLOUDFORMATION)
CFN_ONLY = (Framework.CLOUDFORMATION,)
SAM_ONLY = (Framework.SAM,)

# OWASP Serverless Top 10
OWASP_INJECTION = "OWASP Serverless Top 10: SAS-1 Function Event-Data Injection"
OWASP_AUTH = "OWASP Serverless Top 10: SAS-2 Broken Authentication"
OWASP_DEPLOY_CONFIG = "OWASP Serverless Top 10: SAS-3 Insecure Serverless Deployment Configuration"
OWASP_PRIVILEGE = "OWASP Serverless Top 10: SAS-4 Over-Privileged Function Permissions and Roles"
OWASP_MISCONFIG = "OWASP Serverless Top 10: SAS-6 Security Misconfiguration"
OWASP_SECRETS = "OWASP Serverless Top 10: SAS-7 Insecure Application Secrets Storage"
OWASP_DOS = "OWASP Serverless Top 10: SAS-8 Denial of Service & Financial Resource Exhaustion"
OWASP_LOG = "OWASP Serverless Top 10: SAS-10 Insufficient Logging and Monitoring"

# AWS Well-Architected, security and reliability pillars
WA_SECRETS = "AWS Well-Architected SEC02-BP03 Store and use secrets securely"
WA_LEAST_PRIVILEGE = "AWS Well-Architected SEC03-BP02 Grant least privilege access"
WA_SHARE = "AWS Well-Architected SEC03-BP09 Share resources securely with a third party"
WA_LOG = "AWS Well-Architected SEC04-BP01 Configure service and application logging"
WA_INSPECT = "AWS Well-Architected SEC05-BP03 Implement inspection-based protection"
WA_REST = "AWS Well-Architected SEC08-BP02 Enforce encryption at rest"
WA_DATA = "AWS Well-Architected SEC08-BP04 Enforce access control"
WA_TRANSIT = "AWS Well-Architected SEC09-BP02 Enforce encryption in transit"
WA_THROTTLE = "AWS Well-Architected REL05-BP02 Throttle requests"
WA_RETRY = "AWS Well-Architected REL05-BP03 Control and limit retry calls"

# CWE
CWE_269 = "CWE-269: Improper Privilege Management"
CWE_287 = "CWE-287: Improper Authentication"
CWE_306 = "CWE-306: Missing Authentication for Critical Function"
CWE_311 = "CWE-311: Missing Encryption of Sensitive Data"
CWE_392 = "CWE-392: Missing Report of Error Condition"
CWE_441 = "CWE-441: Unintended Proxy or Intermediary ('Confused Deputy')"
CWE_532 = "CWE-532: Insertion of Sensitive Information into Log File"
CWE_732 = "CWE-732: Incorrect Permission Assignment for Critical Resource"
CWE_778 = "CWE-778: Insufficient Logging"
CWE_798 = "CWE-798: Use of Hard-coded Credentials"
CWE_942 = "CWE-942: Permissive Cross-domain Policy with Untrusted Domains"
