"""How a report is rendered: chosen by the caller, never read from the environment."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportOptions:
    #: include suppressed and baselined findings (marked as such)
    show_suppressed: bool = False
    #: ANSI colour in the text report; the CLI decides (TTY, NO_COLOR)
    color: bool = False
    #: text report width in columns
    width: int = 100
    #: prefix stripped from file paths to make them relative (SARIF %SRCROOT%); "" keeps them
    root: str = ""
