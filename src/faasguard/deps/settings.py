"""How the dependency audit gets its advisories; built by the CLI (the only reader of the host)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

DEFAULT_API_URL = "https://api.osv.dev"
DEFAULT_EXPORT_URL = "https://osv-vulnerabilities.storage.googleapis.com"
DEFAULT_MAX_AGE_DAYS = 7


@dataclass(frozen=True, slots=True, kw_only=True)
class DepsSettings:
    """``ScanOptions.deps``; ``None`` there means the dependency audit is off."""

    #: use only the local database (never the network)
    offline: bool = False
    #: the local advisory database (``faasguard db update``); used offline, and online as fallback
    db_path: str | None = None
    #: where hydrated OSV records are cached (keyed by id@modified); None = no disk cache
    cache_dir: str | None = None
    api_url: str = DEFAULT_API_URL
    #: an offline database older than this is reported (DEP004)
    max_age_days: int = DEFAULT_MAX_AGE_DAYS
    today: date
    #: seconds per HTTP request
    timeout: float = 30.0
