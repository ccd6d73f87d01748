"""Loader gaps found by the rule authors and the corpus benchmark (redrive policies as JSON,
SAM-generated failure destinations and subscriptions, synchronous push events, SSM literals).

Expected values and line numbers were read off the fixture files by hand.
"""

from __future__ import annotations

from pathlib import Path

from faasguard.loaders.cloudformation import load_template
from faasguard.loaders.yamljson import load_file
from faasguard.model import App, Ref

FIXTURES = Path(__file__).parent / "fixtures" / "gaps"


def _load(name: str) -> App:
    return load_template(load_file(str(FIXTURES / name), name), str(FIXTURES))


def test_redrive_policy_written_as_json_names_the_dead_letter_queue() -> None:
    app = _load("redrive.yaml")
    queues = {c.id: c for c in app.channels}
    assert queues["Jobs"].dead_letter_target == "JobsDlq"  # ${JobsDlq.Arn} in a Sub
    assert queues["Jobs"].at("dead_letter_target").line == 6
    assert queues["Plain"].dead_letter_target == "arn:aws:sqs:us-east-1:123456789012:dlq"
    built = queues["Built"].dead_letter_target
    assert isinstance(built, Ref)
    assert built.text == "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:dlq"
    assert queues["Mapped"].dead_letter_target == "JobsDlq"
    assert queues["JobsDlq"].dead_letter_target is None
    assert queues["Broken"].dead_letter_target is None
    (hook,) = app.subscriptions
    assert hook.dead_letter_target == "arn:aws:sqs:us-east-1:123456789012:hook-dlq"
    assert hook.at("dead_letter_target").line == 40


def test_only_invalid_json_redrive_policies_are_diagnosed() -> None:
    app = _load("redrive.yaml")
    assert [(d.code, d.location.line) for d in app.diagnostics] == [("FG002", 25)]
    assert "neither a mapping nor a JSON object" in app.diagnostics[0].message


def test_ssm_parameter_literal_value_is_marked() -> None:
    stores = {s.id: s for s in _load("redrive.yaml").data_stores}
    assert stores["Secret"].literal_secret is True
    assert stores["Secret"].at("literal_secret").line == 49
    assert stores["Resolved"].literal_secret is False  # {{resolve:...}} is fetched by CFN
    assert stores["Empty"].literal_secret is False
    assert stores["FromRef"].literal_secret is False


def test_on_failure_destination_sam_creates_from_globals_and_properties() -> None:
    functions = {f.id: f for f in _load("sam_events.yaml").functions}
    worker = functions["Worker"].on_failure_destination  # Globals: Type SQS, no Destination
    assert isinstance(worker, Ref)
    assert worker.target == "WorkerEventInvokeConfigOnFailureQueue"
    notifier = functions["Notifier"].on_failure_destination  # Type SNS, no Destination
    assert isinstance(notifier, Ref)
    assert notifier.target == "NotifierEventInvokeConfigOnFailureTopic"
    assert functions["Explicit"].on_failure_destination == "Worker"


def test_rule_and_schedule_events_carry_their_dead_letter_queue() -> None:
    rules = {r.id: r for r in _load("sam_events.yaml").event_rules}
    dead_letters = {ident: rule.targets[0].dead_letter_target for ident, rule in rules.items()}
    assert dead_letters == {
        "WorkerNightly": "WorkerDlq",
        "WorkerGenerated": "WorkerGeneratedQueue",  # Type: SQS -> <Fn><Event>Queue
        "WorkerNamed": "NamedDlq",  # QueueLogicalId
        "WorkerHourly": "WorkerDlq",  # ScheduleV2
        "WorkerBare": None,
    }
    hourly = rules["WorkerHourly"]
    assert hourly.type == "AWS::Scheduler::Schedule"
    assert hourly.schedule == "rate(1 hour)"
    assert hourly.location.line == 40


def test_cognito_and_alexa_events_are_synchronous() -> None:
    app = _load("sam_events.yaml")
    notifier = app.function("Notifier")
    assert notifier is not None
    invocation = {e.id: e.invocation for e in notifier.events}
    assert invocation == {"SignUp": "sync", "Skill": "sync", "Direct": "async", "Buffered": "poll"}


def test_sns_events_get_the_subscription_sam_generates() -> None:
    app = _load("sam_events.yaml")
    subs = {s.id: s for s in app.subscriptions}
    direct = subs["NotifierDirect"]
    assert (direct.topic, direct.protocol, direct.endpoint) == ("Alerts", "lambda", "Notifier")
    assert direct.dead_letter_target == "WorkerDlq"
    assert direct.location.line == 68 and direct.generated_from == "Notifier"
    buffered = subs["NotifierBuffered"]
    assert (buffered.protocol, buffered.endpoint) == ("sqs", "NotifierBufferedQueue")
    assert buffered.dead_letter_target is None
    queue = next(c for c in app.channels if c.id == "NotifierBufferedQueue")
    assert queue.kind == "queue" and queue.generated_from == "Notifier"
    mapping = next(m for m in app.event_source_mappings if m.generated_from == "Notifier")
    assert (mapping.id, mapping.source) == ("NotifierBufferedEventSourceMapping", queue.id)
    sns_grants = [p.id for p in app.permissions if p.principal == "sns.amazonaws.com"]
    assert sns_grants == ["NotifierDirectPermission"]  # SQS, not SNS, invokes via the queue
