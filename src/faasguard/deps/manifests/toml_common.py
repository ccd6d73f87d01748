"""Reading TOML manifests with positions: tomllib keeps none, so lines are found by a forward
search for the text each entry was written with (``name = "requests"``)."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from faasguard.deps.manifests.common import ManifestError, read_text

_AT_LINE = re.compile(r"\(at line (\d+)")


def load_toml(path: str) -> tuple[str, dict[str, Any]]:
    """Text and parsed document; a syntax error carries its line."""
    text = read_text(path)
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _AT_LINE.search(str(exc))
        raise ManifestError(f"not valid TOML: {exc}", int(match.group(1)) if match else 0) from None
    except RecursionError:
        raise ManifestError("not read: TOML nested too deeply") from None


class LineCursor:
    """Finds successive regex matches, each after the previous one, as 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0

    def find(self, pattern: str, flags: int = re.MULTILINE) -> int:
        match = re.compile(pattern, flags).search(self._text, self._offset)
        if match is None:
            return 0
        self._offset = match.end()
        return self._text.count("\n", 0, match.start()) + 1

    def seek_line(self, line: int) -> None:
        """Move the cursor to the start of ``line`` (1-based)."""
        offset = 0
        for _ in range(max(line - 1, 0)):
            offset = self._text.find("\n", offset) + 1
            if offset == 0:
                return
        self._offset = offset


def table(document: dict[str, Any], *keys: str) -> dict[str, Any]:
    """``document[k1][k2]…`` when every step is a table, else an empty dict."""
    current: Any = document
    for key in keys:
        current = current.get(key) if isinstance(current, dict) else None
    return current if isinstance(current, dict) else {}


def string_list(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []
