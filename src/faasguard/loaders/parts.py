"""A mutable collector of model objects while one template is being loaded."""

from __future__ import annotations

from dataclasses import dataclass, field

from faasguard.model import (
    Alarm,
    Api,
    Channel,
    DataStore,
    Diagnostic,
    DomainName,
    EventRule,
    EventSourceMapping,
    Function,
    IdentityPool,
    Key,
    Layer,
    LogGroup,
    Permission,
    Policy,
    ResourcePolicy,
    Role,
    StateMachine,
    Subscription,
    Trail,
    UserPool,
)


@dataclass(slots=True)
class Parts:
    """What loaders append to; ``load_template`` freezes it into an ``App``."""

    functions: list[Function] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)
    permissions: list[Permission] = field(default_factory=list)
    resource_policies: list[ResourcePolicy] = field(default_factory=list)
    layers: list[Layer] = field(default_factory=list)
    apis: list[Api] = field(default_factory=list)
    domains: list[DomainName] = field(default_factory=list)
    user_pools: list[UserPool] = field(default_factory=list)
    identity_pools: list[IdentityPool] = field(default_factory=list)
    data_stores: list[DataStore] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    event_rules: list[EventRule] = field(default_factory=list)
    event_source_mappings: list[EventSourceMapping] = field(default_factory=list)
    log_groups: list[LogGroup] = field(default_factory=list)
    trails: list[Trail] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)
    state_machines: list[StateMachine] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
