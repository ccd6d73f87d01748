"""Why a declared package cannot be matched against advisories: a range, or no registry version."""

from __future__ import annotations

import re
from typing import Literal

from faasguard.deps.versions import parse, scheme_for
from faasguard.model.deps import Package

#: requirement texts that point at code outside the registry (URL, VCS, local path, workspace)
_NON_REGISTRY = re.compile(
    r"^(?:@\s|editable\s|git\+|git:|github:|gitlab:|bitbucket:|gist:|https?:|file:|link:|"
    r"portal:|workspace:|patch:|\.{1,2}/|~/|/)|^[A-Za-z0-9][\w.-]*/[\w.-]+(?:#.*)?$"
)

Kind = Literal["range", "not-auditable", "ok"]


def classify(package: Package) -> tuple[Kind, str]:
    """``range``: a version range no lockfile pins (DEP002); ``not-auditable``: URL/VCS/local
    requirement or a version that does not parse (DEP003); ``ok``: a version advisories can match.
    """
    if package.version is None:
        requirement = package.requirement.strip()
        if _NON_REGISTRY.search(requirement):
            return "not-auditable", f"not from the registry ({requirement})"
        return "range", requirement or "*"
    scheme = scheme_for(package.ecosystem)
    if scheme and parse(scheme, package.version).key is None:
        return "not-auditable", f"version {package.version!r} is not a valid {scheme} version"
    return "ok", ""
