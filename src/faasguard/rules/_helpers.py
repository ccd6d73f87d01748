"""Small pieces several rule modules share: owners, unresolved values, references between
resources. Nothing here knows a rule; knowledge about IAM lives in ``faasguard.iam``."""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.model import (
    App,
    Authorizer,
    Channel,
    DataStore,
    Inconclusive,
    Location,
    Ref,
    Resource,
    Text,
    Violation,
)


def owner(resource: Resource) -> str:
    """Where the user fixes a finding: the SAM construct that generated the resource, else it."""
    return resource.generated_from or resource.id


def unresolved(resource: str, location: Location, what: str, value: Ref) -> Inconclusive:
    """The answer hangs on a value decided at deploy time: ``<what> is <value>``."""
    return Inconclusive(resource=resource, location=location, reason=f"{what} is {value.text}")


def missing_control(
    resource: str, location: Location, message: str, evidence: str, fix: str
) -> Violation:
    """A violation with one evidence line and the rule's own severity."""
    return Violation(
        resource=resource, location=location, message=message, evidence=(evidence,), fix=fix
    )


def false_or_absent(value: object, absent: str) -> str:
    """Evidence for a switch that is not on: ``false`` when written so, else ``absent``."""
    return "false" if value is False else absent


def points_at(value: Text | None, ident: str) -> bool:
    """Whether a reference (an id, a Ref, or a Sub text) designates resource ``ident``."""
    if value is None:
        return False
    if isinstance(value, Ref):
        return (
            value.target == ident or f"${{{ident}}}" in value.text or (f"${{{ident}." in value.text)
        )
    return value == ident


def unauthorized(authorizer: Authorizer | None) -> bool:
    """A route without an authorizer, or with authorization ``NONE``."""
    return authorizer is None or authorizer.kind == "NONE"


def stores(app: App, kind: str) -> Iterator[DataStore]:
    """The app's data stores of one kind (``bucket``, ``table``, ``secret``, ``parameter``)."""
    return (d for d in app.data_stores if d.kind == kind)


def channels(app: App, kind: str) -> Iterator[Channel]:
    """The app's messaging channels of one kind (``queue``, ``topic``, ``stream``)."""
    return (c for c in app.channels if c.kind == kind)
