"""``RedrivePolicy`` of SQS queues and SNS subscriptions: a mapping or a JSON string.

CloudFormation accepts the policy as a JSON document in a string (often a YAML block scalar
or an ``!Sub`` with ``${Dlq.Arn}``); both forms name the dead-letter queue the same way.
"""

from __future__ import annotations

import json
import re

from faasguard.loaders.cfn_template import Template
from faasguard.loaders.cfn_values import is_intrinsic
from faasguard.loaders.yamljson import YMap
from faasguard.model import Ref, Text

#: ``${Dlq}`` / ``${Dlq.Arn}``: the whole value is one resource placeholder of a Sub
_WHOLE_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.Arn)?\}")
_FIELD = "deadLetterTargetArn"


def redrive_target(tpl: Template, props: YMap, key: str = "RedrivePolicy") -> Text | None:
    """The dead-letter target's logical id when it is in the template, else the ARN or a Ref."""
    node = tpl.pick(props.get(key))
    if node is None:
        return None
    if isinstance(node, YMap) and not is_intrinsic(node):
        return tpl.target(node.get(_FIELD))
    text = tpl.text(node)
    if text is None:
        return None
    written = text.text if isinstance(text, Ref) else text
    try:
        policy = json.loads(written)
    except ValueError:
        if isinstance(text, Ref) and not written.lstrip().startswith("{"):
            return text  # the whole policy is decided at deploy time (a parameter...)
        tpl.diagnose(props.key_loc(key), f"{key} is neither a mapping nor a JSON object")
        return None
    if not isinstance(policy, dict):
        tpl.diagnose(props.key_loc(key), f"{key} is neither a mapping nor a JSON object")
        return None
    return _target_text(tpl, policy.get(_FIELD))


def _target_text(tpl: Template, arn: object) -> Text | None:
    if not isinstance(arn, str):
        return None
    whole = _WHOLE_PLACEHOLDER.fullmatch(arn)
    if whole is not None and tpl.is_resource(whole.group(1)):
        return whole.group(1)
    if "${" in arn:
        return Ref(text=arn)  # e.g. an ARN built from ${AWS::AccountId}
    return arn
