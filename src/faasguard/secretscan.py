"""Knowledge about secrets: which names look secret, which values are credentials, how to redact.

False positives are what users hold against secret scanners (a 40-character resource name read as
an AWS key, a TOKEN_TTL read as a token), so every test here leans towards "not a secret" unless
the name or the value says otherwise: a value that is a reference to where a secret is stored (a
dynamic reference, an ARN, a parameter path) is never a secret itself.

The word lists and token formats are data (``data/secret_names.yaml``, ``secret_patterns.yaml``).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

#: Characters of a secret that ``redact`` may keep (a prefix only identifies the kind of token).
REDACT_KEEP = 4
#: Shortest value that the entropy test considers (shorter random strings are too common).
ENTROPY_MIN_LENGTH = 32
#: Bits per character above which a long base64-like value is taken for a random secret.
ENTROPY_THRESHOLD = 4.5
#: A segment (between "-" or "_") this long is needed: generated resource names made of short
#: words with a random suffix ("prod-OrdersTable-1ABC2DEF3GH") do not qualify.
ENTROPY_MIN_SEGMENT = 20

_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:(?:secretsmanager|ssm-secure|ssm):[^}]+\}\}")
_PARAMETER_PATH = re.compile(r"^/[A-Za-z0-9_.\-/]+$")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")
_URL_USERINFO = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s@]*:[^/\s@]*@")
_TEMPLATE_SYNTAX = re.compile(r"^(?:<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|%[^%]*%)$")
_BASE64ISH = re.compile(r"^[A-Za-z0-9+/=_\-]+$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_AWS_SECRET_KEY_VALUE = re.compile(r"^[A-Za-z0-9/+]{40}$")
#: "prod/orders-db", "orders_db_credentials": lower-case words joined by separators.
_SECRET_NAME_VALUE = re.compile(r"^[a-z0-9]+(?:[-_/.][a-z0-9]+)+$")
#: Last words of a variable name that may hold the *name* of a stored secret (DB_SECRET).
_STORE_WORDS = frozenset({"secret", "secrets", "credential", "credentials", "creds"})
_PLACEHOLDER_WORDS = frozenset(
    {
        "todo", "tbd", "changeme", "change_me", "change-me", "replaceme", "replace_me",
        "replace-me", "placeholder", "none", "null", "nil", "n/a", "na", "dummy", "example",
        "redacted", "unset", "-",
    }
)  # fmt: skip
_BOOLEAN_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "enabled", "disabled"})


@dataclass(frozen=True, slots=True)
class TokenFormat:
    """A known credential format (an issuer's token prefix and shape)."""

    name: str
    pattern: re.Pattern[str]
    aws: bool = False


@dataclass(frozen=True, slots=True)
class SecretNameWords:
    words: frozenset[str]
    substrings: tuple[str, ...]
    pairs: frozenset[tuple[str, str]]
    descriptors: frozenset[str]
    last_words: frozenset[str]  # secret only when the name ends with them (SQS_AUTH)


def _data(name: str) -> Any:
    text = resources.files("faasguard").joinpath(f"data/{name}").read_text("utf-8")
    return yaml.safe_load(text)


@cache
def name_words() -> SecretNameWords:
    raw = _data("secret_names.yaml")
    return SecretNameWords(
        words=frozenset(raw["secret_words"]),
        substrings=tuple(raw["secret_substrings"]),
        pairs=frozenset((a, b) for a, b in raw["secret_pairs"]),
        descriptors=frozenset(raw["descriptor_words"]),
        last_words=frozenset(raw["secret_last_words"]),
    )


@cache
def token_formats() -> tuple[TokenFormat, ...]:
    return tuple(
        TokenFormat(name=p["name"], pattern=re.compile(p["regex"]), aws=bool(p.get("aws")))
        for p in _data("secret_patterns.yaml")["patterns"]
    )


def split_name(name: str) -> tuple[str, ...]:
    """``DB_PASSWORD`` / ``dbPassword`` / ``db-password`` -> ("db", "password")."""
    return tuple(w.lower() for w in _WORD_SPLIT.split(name) if w)


def looks_secret_name(name: str) -> bool:
    """True when a variable/parameter name says it holds a secret (not its ARN, TTL, URL...)."""
    words = split_name(name)
    if not words or words[-1] in name_words().descriptors:
        return False
    known = name_words()
    if any(w in known.words for w in words) or words[-1] in known.last_words:
        return True
    if any(pair in known.pairs for pair in itertools.pairwise(words)):
        return True
    return any(s in w for w in words for s in known.substrings)


def is_dynamic_reference(value: str) -> bool:
    """``{{resolve:secretsmanager:...}}`` and friends: CloudFormation fetches the value itself."""
    return _DYNAMIC_REFERENCE.search(value) is not None


def is_reference_value(value: str) -> bool:
    """A value that says where a secret lives (ARN, parameter path, plain URL), not the secret."""
    text = value.strip()
    if is_dynamic_reference(text) or text.startswith("arn:"):
        return True
    if _PARAMETER_PATH.match(text):
        return True
    return _URL.match(text) is not None and _URL_USERINFO.match(text) is None


def is_placeholder(value: str) -> bool:
    """Empty, a template placeholder (``<password>``, ``${X}``), ``TODO``, ``xxxx``, a boolean."""
    text = value.strip()
    lowered = text.lower()
    if not text or lowered in _PLACEHOLDER_WORDS or lowered in _BOOLEAN_WORDS:
        return True
    if _TEMPLATE_SYNTAX.match(text) or len(set(text)) == 1:
        return True
    return lowered.startswith(("replace_with", "replace-with", "your_", "your-", "<your"))


def known_format(value: str) -> TokenFormat | None:
    """The first known credential format the value contains, if any."""
    return next((f for f in token_formats() if f.pattern.search(value)), None)


def shannon_entropy(value: str) -> float:
    """Bits per character of the value's own character distribution."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(c / total * math.log2(c / total) for c in counts.values())


def is_high_entropy(value: str) -> bool:
    """A long random-looking token: base64 alphabet, mixed case and digits, not hex (SHAs,
    UUIDs), one long unbroken segment, and high entropy."""
    text = value.strip()
    if len(text) < ENTROPY_MIN_LENGTH or not _BASE64ISH.match(text):
        return False
    if _HEX.match(text.replace("-", "")):
        return False
    if max(len(s) for s in re.split(r"[-_]", text)) < ENTROPY_MIN_SEGMENT:
        return False
    classes = (any(c.islower() for c in text), any(c.isupper() for c in text))
    if not all(classes) or not any(c.isdigit() for c in text):
        return False
    return shannon_entropy(text) >= ENTROPY_THRESHOLD


def looks_aws_secret_access_key(name: str, value: str) -> bool:
    """A 40-character key under a name that says it is an AWS secret access key.

    The shape alone is not enough (any 40-character value would match: checkov#7542, KICS#7023).
    """
    words = split_name(name)
    named = words[-3:] == ("secret", "access", "key") or words[-2:] == ("secret", "key")
    return named and _AWS_SECRET_KEY_VALUE.match(value.strip()) is not None


def redact(value: str) -> str:
    """At most the first 4 characters (fewer for short values), and the length.

    ``redact("AKIAIOSFODNN7EXAMPLE") == "AKIA…(20 chars)"``
    """
    keep = min(REDACT_KEEP, len(value) // 4)
    return f"{value[:keep]}…({len(value)} chars)"


def names_a_stored_secret(name: str, value: str) -> bool:
    """``DB_SECRET: prod/orders-db``: the variable names a Secrets Manager secret, it is not one."""
    words = split_name(name)
    return bool(words) and words[-1] in _STORE_WORDS and bool(_SECRET_NAME_VALUE.match(value))


@dataclass(frozen=True, slots=True)
class SecretHit:
    """Why a literal value is taken for a secret; ``aws`` marks AWS credentials."""

    reason: str
    aws: bool = False


def classify_literal(name: str, value: str) -> SecretHit | None:
    """Decide whether the literal ``value`` stored under ``name`` is a secret, and why.

    A known token format wins over everything (a Slack webhook is a URL, and still a secret);
    then references and placeholders are cleared; then the name; then the value's entropy.
    """
    found = known_format(value)
    if found is not None:
        return SecretHit(
            reason=f"the value matches a known credential format ({found.name})", aws=found.aws
        )
    if looks_aws_secret_access_key(name, value):
        return SecretHit(reason="the value is an AWS secret access key", aws=True)
    if is_placeholder(value) or is_reference_value(value) or names_a_stored_secret(name, value):
        return None
    if looks_secret_name(name):
        return SecretHit(reason=f"the name {name} says it holds a secret")
    if is_high_entropy(value):
        return SecretHit(reason="the value is a long high-entropy string")
    return None
