"""Failure handling and subscriptions SAM generates for push events.

``DeadLetterConfig`` of Schedule/ScheduleV2/EventBridgeRule/CloudWatchEvent events (an ``Arn``,
or ``Type: SQS``: a queue SAM creates, ``QueueLogicalId`` or ``<Fn><Event>Queue``), and the
``AWS::SNS::Subscription`` of SNS events (to the function, or through a queue with
``SqsSubscription``). Logical ids follow the translator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from faasguard.loaders.cfn_redrive import redrive_target
from faasguard.loaders.cloudformation import Template
from faasguard.loaders.yamljson import YMap
from faasguard.model import Channel, EventSourceMapping, Framework, Location, Subscription, Text


def rule_dead_letter(tpl: Template, props: YMap, rule_id: str) -> Text | None:
    """The dead-letter queue of a rule/schedule event's target; None when not configured."""
    config = tpl.pick(props.get("DeadLetterConfig"))
    if not isinstance(config, YMap):
        return None
    if "Arn" in config:
        return tpl.target(config.get("Arn"))
    if tpl.text(config.get("Type")) != "SQS":
        return None
    queue = tpl.text(config.get("QueueLogicalId"))
    return queue if isinstance(queue, str) else f"{rule_id}Queue"


@dataclass(frozen=True, slots=True, kw_only=True)
class SnsDelivery:
    """What SAM generates for one SNS event."""

    subscription: Subscription
    queue: Channel | None = None  # the queue SAM creates for ``SqsSubscription: true``
    mapping: EventSourceMapping | None = None  # queue -> function, with ``SqsSubscription``


def sns_delivery(
    tpl: Template, fn: str, event: str, props: YMap, where: tuple[Location, str | None]
) -> SnsDelivery:
    """The subscription of an SNS event; ``where`` is the event's location and condition."""
    loc, condition = where
    ident = f"{fn}{event}"
    common: dict[str, Any] = {
        "location": loc,
        "framework": Framework.SAM,
        "condition": condition,
        "generated_from": fn,
    }
    topic = tpl.target(props.get("Topic"))
    sqs = tpl.pick(props.get("SqsSubscription"))
    queue: Channel | None = None
    endpoint: Text | None = fn
    new_queue = sqs is True or (isinstance(sqs, str) and sqs.lower() == "true")
    via_queue = new_queue or isinstance(sqs, YMap)  # a map names an existing queue
    if new_queue:
        queue = Channel(id=f"{ident}Queue", type="AWS::SQS::Queue", kind="queue", **common)
        endpoint = queue.id
    elif isinstance(sqs, YMap):
        endpoint = tpl.target(sqs.get("QueueArn"))
    subscription = Subscription(
        id=ident,
        type="AWS::SNS::Subscription",
        topic=topic or f"{ident} topic",
        protocol="sqs" if via_queue else "lambda",
        endpoint=endpoint,
        dead_letter_target=redrive_target(tpl, props),
        field_locations=tpl.field_locations(props, {"dead_letter_target": "RedrivePolicy"}),
        **common,
    )
    mapping = None
    if via_queue:
        mapping = EventSourceMapping(
            id=f"{ident}EventSourceMapping",
            type="AWS::Lambda::EventSourceMapping",
            function=fn,
            source=endpoint,
            **common,
        )
    return SnsDelivery(subscription=subscription, queue=queue, mapping=mapping)
