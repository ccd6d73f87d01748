"""What the user chose on the command line that changes how definitions resolve."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadSettings:
    #: Serverless Framework ``--stage`` / ``${opt:stage}`` and ``${sls:stage}``; None = its default
    stage: str | None = None
    #: ``--region`` / ``${opt:region}``; None = the definition's own default
    region: str | None = None
    #: ``--param NAME=VALUE``: Serverless ``${param:NAME}``
    params: tuple[tuple[str, str], ...] = ()
    #: ``--var NAME=VALUE``: Serverless ``${env:NAME}`` and Terraform ``-var``; the scanner's own
    #: environment is never read
    variables: tuple[tuple[str, str], ...] = ()
    #: Terraform ``*.tfvars`` files given with ``--var-file`` (paths as the user wrote them)
    var_files: tuple[str, ...] = ()
