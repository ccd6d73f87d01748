"""The PEP 508 marker environment of a Lambda runtime (never the scanner's own interpreter)."""

from __future__ import annotations

import re

from packaging.markers import InvalidMarker, Marker, UndefinedComparison, UndefinedEnvironmentName

_PYTHON_RUNTIME = re.compile(r"^python(\d+)\.(\d+)$")
_ENVIRONMENT_NAMES = re.compile(
    r"\b(python_version|python_full_version|implementation_\w+|platform_\w+|sys_platform|os_name)\b"
)


def lambda_environment(runtime: str | None) -> dict[str, str] | None:
    """Marker variables for a Lambda Python runtime ("python3.12"), None when not a known one.

    Lambda runs CPython on Amazon Linux; the architecture is not known here, so markers on
    ``platform_machine`` are evaluated for x86_64, the default architecture.
    """
    match = _PYTHON_RUNTIME.match(runtime or "")
    if match is None:
        return None
    major, minor = match.groups()
    return {
        "python_version": f"{major}.{minor}",
        "python_full_version": f"{major}.{minor}.0",
        "implementation_name": "cpython",
        "implementation_version": f"{major}.{minor}.0",
        "platform_python_implementation": "CPython",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": "x86_64",
        "platform_release": "",
        "platform_version": "",
        "extra": "",
    }


def applies(marker: Marker | str | None, environment: dict[str, str] | None) -> bool | None:
    """Does the marker hold on the runtime? None when unknown (no runtime, or not evaluable)."""
    if marker is None or marker == "":
        return True
    if environment is None:
        if _ENVIRONMENT_NAMES.search(str(marker)):
            return None
        # only ``extra`` is tested: that does not depend on the runtime
        environment = lambda_environment("python3.12")
    try:
        parsed = marker if isinstance(marker, Marker) else Marker(marker)
        return parsed.evaluate(environment)
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
        return None
