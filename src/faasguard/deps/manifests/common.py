"""What every manifest reader returns, and the helpers they share (bounded reads, line search)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from faasguard.deps.manifests.bounds import MAX_MANIFEST_BYTES
from faasguard.model.deps import Package
from faasguard.model.values import Location

Problem = tuple[Location, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Parsed:
    """The packages one manifest (and the files it includes) declares."""

    files: tuple[str, ...] = ()  # display paths read
    packages: tuple[Package, ...] = ()
    unpinned: tuple[Package, ...] = ()
    problems: tuple[Problem, ...] = ()
    #: the file gives the dependency graph (``Package.requires`` filled)
    has_graph: bool = False
    #: names (as in ``Package.name``) declared only as development dependencies
    dev_only: frozenset[str] = field(default_factory=frozenset)
    #: names the project declares itself (used to mark lockfile entries ``direct``)
    declared: frozenset[str] = field(default_factory=frozenset)
    #: npm aliases: (name the code imports, real package name)
    aliases: frozenset[tuple[str, str]] = field(default_factory=frozenset)


class ManifestError(Exception):
    """A file that cannot be read at all; ``line`` is where, when known."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


def read_text(path: str) -> str:
    """The file's text, bounded in size; undecodable bytes are replaced, never fatal."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise ManifestError(f"cannot read: {exc.strerror or exc}") from None
    if size > MAX_MANIFEST_BYTES:
        raise ManifestError(f"not read: {size} bytes is over the {MAX_MANIFEST_BYTES} byte limit")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError as exc:
        raise ManifestError(f"cannot read: {exc.strerror or exc}") from None


def failed(display: str, error: ManifestError) -> Parsed:
    """The result for a file that could not be read or parsed."""
    return Parsed(
        files=(display,), problems=((Location(file=display, line=error.line), str(error)),)
    )


_URL_USERINFO = re.compile(r"(://)[^/@\s]+@")


def redact_url(text: str) -> str:
    """URLs may carry credentials (``https://user:token@host``): never repeat them."""
    return _URL_USERINFO.sub(r"\1***@", text)


_KEY = re.compile(r'"((?:[^"\\\n]|\\.)*)"\s*:\s*(\{|\[)?')


class KeyLines:
    """Lines of JSON object keys, found by a forward search in document order.

    ``json`` keeps no positions; the keys a lockfile reader needs (``"node_modules/lodash": {``)
    occur in the text in the same order a walk of the parsed dict visits them, so a cursor that
    only moves forward finds the right occurrence even when a name repeats.
    """

    def __init__(self, text: str) -> None:
        self._keys: list[tuple[str, bool, int]] = []  # (key, opens an object/array, line)
        for number, line in enumerate(text.splitlines(), start=1):
            for match in _KEY.finditer(line):
                self._keys.append((match.group(1), match.group(2) is not None, number))
        self._cursor = 0

    def find(self, key: str, container: bool = True) -> int:
        """The line of the next ``"key":`` (opening an object when ``container``), 0 if none."""
        for index in range(self._cursor, len(self._keys)):
            name, opens, line = self._keys[index]
            if name == key and (opens or not container):
                self._cursor = index + 1
                return line
        return 0


def line_of(text: str, pattern: str, start: int = 0) -> int:
    """1-based line of the first match of the regex ``pattern`` at or after offset ``start``."""
    match = re.compile(pattern, re.MULTILINE).search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def join_display(base_display: str, relative: str) -> str:
    """A display path for ``relative`` (a path relative to the directory of ``base_display``)."""
    joined = os.path.join(os.path.dirname(base_display), relative)
    return os.path.normpath(joined).replace(os.sep, "/")
