"""Code-aware least privilege (IAM011-IAM015): each role against what its functions' code calls.

Facts come from the model (``Function.code``, filled by code analysis) and from ``faasguard.iam``
(``compare`` for granted versus needed, ``privesc`` for escalation methods). When a function's
code was not analysed completely, "never needed" cannot be known: those rules answer
inconclusive instead of reporting.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from faasguard.iam import privesc
from faasguard.iam.compare import Comparison, Missing, compare_app
from faasguard.iam.evaluate import Verdict
from faasguard.iam.grants import role_owner
from faasguard.iam.synthesis import function_needs
from faasguard.model import (
    App,
    Inconclusive,
    Location,
    Pillar,
    PolicyStatement,
    RuleContext,
    RuleInfo,
    RuleResult,
    Severity,
    Violation,
)
from faasguard.rules._references import (
    CWE_269,
    OWASP_PRIVILEGE,
    SAM_TF,
    WA_LEAST_PRIVILEGE,
)
from faasguard.rules._registry import rule

_CODE_LIMITS = (
    "Only calls faasguard recognises in the function's own code root count (Python boto3/"
    "aioboto3/Powertools, Node aws-sdk v2/v3); code in layers, other packages or generated at "
    "run time is not seen, and such a function's results are inconclusive."
)
_SAM_TEMPLATE = "SAM policy template"
_WHO_FIXES = "faasguard policy PATH --function NAME prints the minimal policy"


def _statement_key(comparison: Comparison, statement: PolicyStatement) -> str:
    index = comparison.role.statements.index(statement)
    return f"{statement.sid or statement.source}#{index}"


def _incomplete(comparison: Comparison) -> Inconclusive | None:
    reasons = [
        *comparison.incomplete,
        *(f"{u.call.location}: {u.reason}" for _, u in comparison.unresolved),
    ]
    if not reasons:
        return None
    owner, _ = role_owner(comparison.role)
    return Inconclusive(
        resource=owner, location=comparison.role.location, reason="; ".join(reasons[:3])
    )


IAM011 = RuleInfo(
    id="IAM011",
    name="permission-never-used",
    title="Role grants actions its functions' code never calls",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    rationale="Every permission a function holds but does not use is a gift to whoever runs "
    "code in it: an injection, a vulnerable dependency or a stolen session token gets the whole "
    "role, not what the handler does. Unused grants also accumulate silently as code changes, "
    "and a wildcard (`dynamodb:*`) hides dozens of actions behind the one the code calls.",
    remediation="Remove the actions no function calls; replace a wildcard by the actions listed "
    "in the finding. SAM: prefer a narrower policy template or a statement in `Policies`. "
    f"CloudFormation: edit the role's inline policy. {_WHO_FIXES}.",
    frameworks=SAM_TF,
    references=(
        OWASP_PRIVILEGE,
        WA_LEAST_PRIVILEGE,
        "CWE-250: Execution with Unnecessary Privileges",
    ),
    equivalents=(),
    example="Policies:\n  - Statement:\n      - Effect: Allow\n        Action: dynamodb:*\n"
    "        Resource: !GetAtt OrdersTable.Arn\n# the code only calls table.put_item(...)",
    fixed_example="Policies:\n  - Statement:\n      - Effect: Allow\n"
    "        Action: dynamodb:PutItem\n        Resource: !GetAtt OrdersTable.Arn",
    limitations=_CODE_LIMITS + " Grants of SAM policy templates are reported at severity info "
    "(a curated bundle; narrowing it is an improvement, not a fix). AWS managed policies are "
    "not reported (their actions are "
    "counted as granted, not as unused statements of the app). Actions are compared by name: an "
    "action granted on one table and used on another counts as used (IAM012 reports the other).",
)


@rule(IAM011)
def permission_never_used(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for comparison in compare_app(app):
        if not comparison.unused or not comparison.role.defined_in_app:
            continue
        unsure = _incomplete(comparison)
        if unsure is not None:
            yield unsure
            continue
        owner, who = role_owner(comparison.role)
        by_statement: dict[int, list[str]] = defaultdict(list)
        narrowed: dict[int, list[str]] = defaultdict(list)
        statements = comparison.role.statements
        for unused in comparison.unused:
            index = statements.index(unused.statement)
            if unused.narrowed:
                narrowed[index].append(f"{unused.pattern} -> {', '.join(unused.narrowed)}")
            else:
                by_statement[index].append(unused.pattern)
        users = ", ".join(comparison.functions)
        for index in sorted({*by_statement, *narrowed}):
            statement = statements[index]
            never, narrow = by_statement[index], narrowed[index]
            parts = [f"{', '.join(never)} that the code of {users} never calls"] if never else []
            parts += [f"{n.replace(' -> ', ' where the code needs only ')}" for n in narrow]
            yield Violation(
                resource=owner,
                location=statement.location,
                message=f"{who} grants " + "; and ".join(parts),
                evidence=_needed_evidence(app, comparison),
                fix=("Remove " + ", ".join(never) + ". " if never else "")
                + ("Replace " + "; ".join(narrow) if narrow else ""),
                key=f"{_statement_key(comparison, statement)}:{','.join(never + narrow)}",
                # a SAM policy template is a curated bundle: narrower is better, not urgent
                severity=Severity.INFO if statement.source.startswith(_SAM_TEMPLATE) else None,
            )


def _needed_evidence(app: App, comparison: Comparison) -> tuple[str, ...]:
    lines = []
    for fn in app.functions:
        if fn.id in comparison.functions:
            actions = sorted({n.action for n in function_needs(app, fn).needs}, key=str.lower)
            lines.append(f"{fn.id} needs: {', '.join(actions)}")
    return tuple(lines)


IAM012 = RuleInfo(
    id="IAM012",
    name="permission-missing",
    title="Function's code calls an action its role does not allow",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    rationale="A call the role does not allow fails with AccessDenied at run time, usually on "
    "a path tests do not cover (an error handler, a nightly job). The usual quick fix under "
    "pressure is a wildcard grant; finding the gap before deployment lets it be fixed narrowly. "
    "The platform's own needs count too: an SQS event source on a role without "
    "sqs:ReceiveMessage never delivers a message.",
    remediation="Add exactly the missing action on the resource named in the finding (SAM: a "
    "policy template or statement in `Policies`; CloudFormation: the role's inline policy). "
    f"{_WHO_FIXES}.",
    frameworks=SAM_TF,
    references=(
        WA_LEAST_PRIVILEGE,
        "CWE-703: Improper Check or Handling of Exceptional Conditions",
    ),
    equivalents=(),
    example="Role: !GetAtt SharedRole.Arn   # allows only s3:PutObject\n"
    "# code: table.put_item(...)",
    fixed_example="Policies:\n  - DynamoDBWritePolicy:\n      TableName: !Ref OrdersTable",
    limitations=_CODE_LIMITS + " Permissions boundaries, SCPs and resource policies are not "
    "evaluated; a grant whose match hangs on a condition or a parameter is inconclusive.",
)


def _consequence(item: Missing) -> str:
    if not item.need.platform:
        return "AccessDenied at run time"
    if item.need.platform == "logs":
        return "the function's logs are lost"
    return f"the platform cannot do its part: {item.need.reason}"


def _missing_groups(items: tuple[Missing, ...]) -> dict[tuple[str, Location, str], list[Missing]]:
    groups: dict[tuple[str, Location, str], list[Missing]] = defaultdict(list)
    for item in items:
        groups[(item.function, item.need.sites[0], item.need.resource.arn)].append(item)
    return groups


@rule(IAM012)
def permission_missing(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for comparison in compare_app(app):
        if not comparison.role.defined_in_app:
            continue
        for (fn, site, arn), group in sorted(_missing_groups(comparison.missing).items()):
            actions = sorted({g.need.action for g in group}, key=str.lower)
            denied = [g for g in group if g.decision.verdict is Verdict.DENIED]
            how = "explicitly denies" if denied else "does not allow"
            yield Violation(
                resource=fn,
                location=site,
                message=f"Function {fn} needs {', '.join(actions)} on {arn} but its role "
                f"{comparison.role.id} {how} it ({_consequence(group[0])})",
                evidence=tuple(sorted({g.need.reason for g in group if g.need.reason})),
                fix=f"Allow {', '.join(actions)} on {arn} in the role of {fn}",
                key=f"{fn}:{','.join(actions)}:{arn}",
            )
        for (fn, site, arn), group in sorted(_missing_groups(comparison.unknown).items()):
            names = ", ".join(sorted({g.need.action for g in group}, key=str.lower))
            yield Inconclusive(
                resource=fn,
                location=site,
                reason=f"whether {comparison.role.id} allows {names} on {arn}: "
                f"{group[0].decision.why or 'unknown'}",
            )


IAM013 = RuleInfo(
    id="IAM013",
    name="resource-wider-than-needed",
    title="Action granted on every resource where the code touches specific ones",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.MEDIUM,
    rationale="`Resource: '*'` on an action the code uses against one table or bucket lets a "
    "compromised function read or change every other table or bucket in the account with the "
    "same action. The code's own resource arguments (an environment variable wired to "
    "`!Ref OrdersTable`) show the resource the grant can be limited to.",
    remediation="Replace `*` by the ARNs listed in the finding (`!GetAtt OrdersTable.Arn`, "
    f"`!Sub ${{Bucket.Arn}}/prefix/*`). {_WHO_FIXES}.",
    frameworks=SAM_TF,
    references=(
        OWASP_PRIVILEGE,
        WA_LEAST_PRIVILEGE,
        "CWE-732: Incorrect Permission Assignment for Critical Resource",
    ),
    equivalents=("cfn_nag:W12",),
    example="- Effect: Allow\n  Action: dynamodb:PutItem\n  Resource: '*'",
    fixed_example="- Effect: Allow\n  Action: dynamodb:PutItem\n"
    "  Resource: !GetAtt OrdersTable.Arn",
    limitations=_CODE_LIMITS + " A resource argument the code computes at run time leaves the "
    "action's resource unknown: no finding for that action.",
)


@rule(IAM013)
def resource_wider_than_needed(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for comparison in compare_app(app):
        if not comparison.over_wide or not comparison.role.defined_in_app:
            continue
        unsure = _incomplete(comparison)
        if unsure is not None:
            yield unsure
            continue
        owner, who = role_owner(comparison.role)
        by_statement: dict[int, list[str]] = defaultdict(list)
        arns: dict[int, set[str]] = defaultdict(set)
        for wide in comparison.over_wide:
            index = comparison.role.statements.index(wide.statement)
            by_statement[index].append(wide.action)
            arns[index].update(wide.needed)
        for index, actions in sorted(by_statement.items()):
            statement = comparison.role.statements[index]
            needed = ", ".join(sorted(arns[index]))
            yield Violation(
                resource=owner,
                location=statement.location,
                message=f"{who} allows {', '.join(actions)} on * but the code only touches "
                f"{needed}",
                evidence=tuple(f"{a}: needed on {needed}" for a in actions),
                fix=f"Set Resource to {needed}",
                key=f"{_statement_key(comparison, statement)}:{','.join(actions)}",
            )


IAM014 = RuleInfo(
    id="IAM014",
    name="unneeded-escalation-path",
    title="Role holds a privilege-escalation path its functions' code never uses",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.HIGH,
    rationale="Some combinations (iam:PassRole + lambda:CreateFunction, "
    "lambda:UpdateFunctionCode, iam:AttachRolePolicy, sts:AssumeRole on *) let whoever runs "
    "code in the function become a more privileged principal. When the function's code never "
    "calls part of the combination, the path is pure risk: removing the unused action closes it "
    "without changing what the function does.",
    remediation="Remove the actions of the path the code never calls (listed in the finding). "
    f"{_WHO_FIXES}.",
    frameworks=SAM_TF,
    references=(
        OWASP_PRIVILEGE,
        WA_LEAST_PRIVILEGE,
        CWE_269,
        "Rhino Security Labs: AWS IAM Privilege Escalation - Methods and Mitigation",
    ),
    equivalents=("checkov:CKV_AWS_110",),
    example="- Effect: Allow\n  Action: [iam:PassRole, lambda:CreateFunction, "
    "lambda:InvokeFunction]\n  Resource: '*'\n# code: only lambda_client.invoke(...)",
    fixed_example="- Effect: Allow\n  Action: lambda:InvokeFunction\n"
    "  Resource: !GetAtt WorkerFunction.Arn",
    limitations=_CODE_LIMITS + " Deny statements and permissions boundaries are not "
    "subtracted from escalation paths (as in IAM006).",
)


@rule(IAM014)
def unneeded_escalation_path(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    parameters = frozenset(p.name for p in app.parameters)
    for comparison in compare_app(app):
        if not comparison.role.defined_in_app:
            continue
        found = privesc.find_escalations(comparison.role.statements, parameters)
        if not found:
            continue
        unsure = _incomplete(comparison)
        if unsure is not None:
            yield unsure
            continue
        needed = {
            n.action.lower()
            for fn in app.functions
            if fn.id in comparison.functions
            for n in function_needs(app, fn).needs
        }
        owner, who = role_owner(comparison.role)
        for escalation in found:
            unused = [(a, s) for a, s in escalation.grants if a.lower() not in needed]
            if not unused:
                continue
            names = ", ".join(a for a, _ in unused)
            yield Violation(
                resource=owner,
                location=unused[0][1].location,
                message=f"{who} can escalate ({escalation.method.id}): "
                f"{escalation.method.path}; the code never calls {names}",
                evidence=(escalation.describe(), f"source: {escalation.method.source}"),
                related=tuple(dict.fromkeys(s.location for _, s in escalation.grants)),
                fix=f"Remove {names} from the role",
                key=escalation.method.id,
            )


IAM015 = RuleInfo(
    id="IAM015",
    name="call-not-resolvable",
    title="AWS call whose permissions cannot be determined statically",
    pillar=Pillar.LEAST_PRIVILEGE,
    severity=Severity.INFO,
    rationale="A call whose service or operation is computed at run time (`getattr(client, "
    "name)`, `boto3.client(service)`), or that faasguard's IAM data does not know yet, may "
    "need any permission. faasguard never assumes it needs nothing: it marks the function's "
    "least-privilege results inconclusive and lists the call here, so a reviewer can check it.",
    remediation="Make the call explicit (`client.get_object(...)`) or check its permission "
    "by hand and suppress the finding with a reason.",
    frameworks=SAM_TF,
    references=(WA_LEAST_PRIVILEGE,),
    equivalents=(),
    example="op = event['op']\ngetattr(s3, op)(Bucket=BUCKET)",
    fixed_example="s3.get_object(Bucket=BUCKET, Key=key)",
    limitations="Reports only calls recognised as AWS SDK calls; other dynamic code is unseen.",
)


@rule(IAM015)
def call_not_resolvable(app: App, ctx: RuleContext) -> Iterator[RuleResult]:
    for fn in app.functions:
        needs = function_needs(app, fn)
        counts: dict[str, int] = defaultdict(int)
        for unresolved in needs.unresolved:
            where = unresolved.call.location
            counts[where.file] += 1
            yield Violation(
                resource=fn.id,
                location=where,
                message=f"Function {fn.id}: the AWS call at {where} cannot be resolved "
                f"({unresolved.reason}); its permissions are unknown",
                fix="Check the permission this call needs by hand",
                key=f"{where.file}#{counts[where.file]}",
            )
        for need in needs.needs:
            if need.certainty == "unverified":
                yield Violation(
                    resource=fn.id,
                    location=need.sites[0],
                    message=f"Function {fn.id} needs {need.action}, which faasguard's IAM "
                    "data does not know (a new operation?)",
                    fix=f"Check that {need.action} is the right IAM action",
                    key=f"unverified:{need.action}",
                )


RULES = (
    permission_never_used,
    permission_missing,
    resource_wider_than_needed,
    unneeded_escalation_path,
    call_not_resolvable,
)
