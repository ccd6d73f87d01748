"""One function's code profile: pick the entry file, follow local imports (bounded), analyse.

Files are only read and parsed, never imported or executed. A file that cannot be read or parsed
becomes a ``problems`` entry with its location and the rest of the code root is still analysed.
"""

from __future__ import annotations

import ast
import json
import os
import posixpath
from dataclasses import dataclass, field, replace
from pathlib import Path

from faasguard.code.javascript import JsAnalysis
from faasguard.code.js_scopes import JsModule
from faasguard.code.js_syntax import first_error, parse
from faasguard.code.python import PythonAnalysis
from faasguard.code.python_scopes import PyModule
from faasguard.model.app import App, Function
from faasguard.model.code import CodeProfile, SdkCall
from faasguard.model.values import Location

#: most source files analysed for one function
MAX_CODE_FILES = 200
#: largest source file read (bigger ones are reported and skipped)
MAX_CODE_FILE_BYTES = 1024 * 1024
#: longest chain of local imports followed from the entry file
MAX_IMPORT_DEPTH = 12

_PY_SUFFIXES = (".py",)
_JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx")
_SKIP_DIRS = frozenset(
    {"node_modules", ".aws-sam", "cdk.out", "__pycache__", ".git", ".venv", "venv"}
)


@dataclass(slots=True)
class _Reader:
    """Reads files under one code root, within the bounds, recording what went wrong."""

    root: Path  # openable from the working directory
    display_root: str
    #: no file outside this directory is read (symlinks and source maps cannot lead out of it)
    limit: Path
    files: list[str] = field(default_factory=list)
    problems: list[tuple[Location, str]] = field(default_factory=list)

    def display(self, relative: str) -> str:
        return posixpath.normpath(posixpath.join(self.display_root, relative))

    def read(self, relative: str) -> bytes | None:
        display = self.display(relative)
        if len(self.files) >= MAX_CODE_FILES:
            self.problems.append(
                (Location(file=display), f"not analysed: more than {MAX_CODE_FILES} files")
            )
            return None
        path = self.root / relative
        if not self.inside(relative):
            self.problems.append((Location(file=display), "not analysed: outside the scanned tree"))
            return None
        try:
            if path.stat().st_size > MAX_CODE_FILE_BYTES:
                self.problems.append(
                    (
                        Location(file=display),
                        f"not analysed: larger than {MAX_CODE_FILE_BYTES} bytes",
                    )
                )
                return None
            data = path.read_bytes()
        except OSError as exc:
            self.problems.append((Location(file=display), f"cannot read: {exc.strerror or exc}"))
            return None
        self.files.append(display)
        return data

    def exists(self, relative: str) -> bool:
        """A file inside the code root (imports never climb out of it)."""
        normal = posixpath.normpath(relative)
        return not normal.startswith("../") and (self.root / normal).is_file()

    def inside(self, relative: str) -> bool:
        try:
            return (self.root / relative).resolve().is_relative_to(self.limit)
        except (OSError, RuntimeError):  # a symlink loop
            return False


def profile_app(app: App) -> App:
    """The app with ``code=`` set on every function whose code is on disk."""
    functions = tuple(replace(fn, code=profile_function(fn, app.root)) for fn in app.functions)
    return replace(app, functions=functions)


def profile_function(fn: Function, app_root: str | None = None) -> CodeProfile | None:
    """What the function's code can call; None when its code is not on disk.

    Files are read from the code root; a source map may lead to sources elsewhere under the
    directory shared by the code root and ``app_root`` (the template's folder), never further.
    """
    if fn.code_dir is None or not Path(fn.code_dir).is_dir():
        return None
    code_root = Path(fn.code_dir).resolve()
    limit = code_root
    if app_root is not None:
        limit = Path(os.path.commonpath([code_root, Path(app_root).resolve()]))
    reader = _Reader(Path(fn.code_dir), fn.code_dir.rstrip("/"), limit)
    runtime = fn.runtime if isinstance(fn.runtime, str) else ""
    handler = fn.handler if isinstance(fn.handler, str) else ""
    where = Location(file=reader.display_root)
    language = "unsupported"
    calls: list[SdkCall] = []
    try:
        language = _language(runtime, reader)
        if language == "python":
            calls = _profile_python(reader, handler)
        elif language == "javascript":
            calls, language = _profile_javascript(reader, handler)
        else:
            reason = f"code analysis does not support runtime {runtime or 'unknown'!r}"
            reader.problems.append((where, reason))
    except RecursionError:
        reader.problems.append((where, "code analysis stopped: nesting too deep"))
    except Exception as exc:  # a bug here must not stop the scan: it is reported instead
        reader.problems.append((where, f"code analysis failed: {type(exc).__name__}: {exc}"))
    ordered = tuple(sorted(calls, key=_call_key))
    files, problems = tuple(reader.files), tuple(reader.problems)
    return CodeProfile(language=language, files=files, calls=ordered, problems=problems)


def _call_key(call: SdkCall) -> tuple[str, int, int, str, str]:
    return (
        call.location.file,
        call.location.line,
        call.location.column,
        call.service or "",
        call.operation or "",
    )


def _language(runtime: str, reader: _Reader) -> str:
    if runtime.startswith("python"):
        return "python"
    if runtime.startswith("nodejs"):
        return "javascript"
    if runtime:
        return "unsupported"
    present = {p.suffix for p in reader.root.iterdir() if p.is_file()}  # OSError: caller
    if ".py" in present:
        return "python"
    return "javascript" if present & set(_JS_SUFFIXES) else "unsupported"


def _all_sources(reader: _Reader, suffixes: tuple[str, ...]) -> list[str]:
    """Every source file of the language in the code root (when the entry file is unknown)."""
    found: list[str] = []
    for path in sorted(reader.root.rglob("*")):
        relative = path.relative_to(reader.root).as_posix()
        if set(relative.split("/")) & _SKIP_DIRS or relative.endswith(".d.ts"):
            continue
        if path.is_file() and path.suffix in suffixes:
            found.append(relative)
    return found[: MAX_CODE_FILES + 1]


# -- Python -----------------------------------------------------------------------------------
class _PythonRoot:
    """Loads the modules of one Python code root on demand, as imports are met."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.modules: dict[str, PyModule | None] = {}
        self.depth = 0
        self.analysis = PythonAnalysis(self.resolve)

    def load(self, relative: str) -> PyModule | None:
        if relative in self.modules:
            return self.modules[relative]
        self.modules[relative] = None  # in progress: an import cycle sees nothing
        display = self.reader.display(relative)
        if self.depth > MAX_IMPORT_DEPTH:
            self.reader.problems.append((Location(file=display), "not analysed: imports too deep"))
            return None
        data = self.reader.read(relative)
        tree = _parse_python(data, display, self.reader) if data is not None else None
        if tree is None:
            return None
        self.depth += 1
        self.modules[relative] = self.analysis.add_module(display, tree)
        self.depth -= 1
        return self.modules[relative]

    def resolve(self, module: str, level: int, importer: str) -> PyModule | None:
        """``from ..x import y`` / ``import x.y``: the module file inside the code root."""
        base = posixpath.dirname(posixpath.relpath(importer, self.reader.display_root))
        base = base if level else ""
        for _ in range(max(level - 1, 0)):
            base = posixpath.dirname(base)
        stem = posixpath.join(base, *module.split(".")) if module else base
        for candidate in (stem + ".py", posixpath.join(stem, "__init__.py")):
            if candidate and self.reader.exists(candidate):
                return self.load(posixpath.normpath(candidate))
        return None


def _profile_python(reader: _Reader, handler: str) -> list[SdkCall]:
    entry = handler.rsplit(".", 1)[0].replace(".", "/") + ".py" if "." in handler else ""
    root = _PythonRoot(reader)
    if entry and reader.exists(entry):
        root.load(entry)
    else:
        if handler:
            message = f"handler file {entry or handler!r} not found: every .py file analysed"
            reader.problems.append((Location(file=reader.display_root), message))
        for relative in _all_sources(reader, _PY_SUFFIXES):
            root.load(relative)
    root.analysis.bind_arguments()
    return list(root.analysis.calls())


def _parse_python(data: bytes, display: str, reader: _Reader) -> ast.Module | None:
    try:
        return ast.parse(data, filename=display)
    except SyntaxError as exc:
        where = Location(file=display, line=exc.lineno or 0, column=exc.offset or 0)
        reader.problems.append((where, f"cannot parse: {exc.msg}"))
    except (ValueError, RecursionError, MemoryError) as exc:
        reader.problems.append((Location(file=display), f"cannot parse: {type(exc).__name__}"))
    return None


# -- JavaScript / TypeScript ------------------------------------------------------------------
class _JsRoot:
    """Loads the modules of one JS/TS code root on demand, as imports are met."""

    def __init__(self, reader: _Reader) -> None:
        self.reader = reader
        self.modules: dict[str, JsModule | None] = {}
        self.analysis = JsAnalysis(self.resolve)

    def load(self, relative: str) -> JsModule | None:
        if relative in self.modules:
            return self.modules[relative]
        self.modules[relative] = None  # in progress: an import cycle sees nothing
        data = self.reader.read(relative)
        if data is None:
            return None
        display = self.reader.display(relative)
        tree = parse(data, display)
        error = first_error(tree)
        if error is not None:
            where = Location(
                file=display, line=error.start_point[0] + 1, column=error.start_point[1] + 1
            )
            message = "cannot parse (syntax error); the rest of the file is analysed"
            self.reader.problems.append((where, message))
        self.modules[relative] = self.analysis.add_module(display, tree)
        return self.modules[relative]

    def resolve(self, spec: str, importer: str) -> JsModule | None:
        """``require("./lib/db")`` / ``import "./db.js"``: the file inside the code root."""
        here = posixpath.dirname(posixpath.relpath(importer, self.reader.display_root))
        stem = posixpath.normpath(posixpath.join(here, spec))
        candidates = [stem, *(stem + s for s in _JS_SUFFIXES)]
        candidates += [stem + "/index" + s for s in _JS_SUFFIXES]
        if stem.endswith(".js"):  # TypeScript sources import "./db.js" meaning ./db.ts
            candidates += [stem[:-3] + ".ts", stem[:-3] + ".tsx"]
        found = next((c for c in candidates if self.reader.exists(c)), None)
        return self.load(found) if found else None


def _profile_javascript(reader: _Reader, handler: str) -> tuple[list[SdkCall], str]:
    stem = handler.rsplit(".", 1)[0] if "." in handler else ""
    entry = next((stem + s for s in _JS_SUFFIXES if stem and reader.exists(stem + s)), "")
    root = _JsRoot(reader)
    sources = _source_map_sources(reader, entry) if entry else []
    if sources:
        message = "bundled handler: analysed the sources its source map names instead"
        reader.problems.append((Location(file=reader.display(entry)), message))
    elif entry:
        sources = [entry]
    else:
        if handler:
            message = f"handler file for {handler!r} not found: every source file analysed"
            reader.problems.append((Location(file=reader.display_root), message))
        sources = _all_sources(reader, _JS_SUFFIXES)
    for relative in sources:
        root.load(relative)
    root.analysis.bind_arguments()
    typed = any(f.endswith((".ts", ".tsx", ".mts", ".cts")) for f in reader.files)
    return list(root.analysis.calls()), "typescript" if typed else "javascript"


def _source_map_sources(reader: _Reader, entry: str) -> list[str]:
    """Sources named by ``<entry>.map`` that exist on disk (relative to the code root)."""
    map_path = reader.root / (entry + ".map")
    if not map_path.is_file() or map_path.stat().st_size > MAX_CODE_FILE_BYTES * 8:
        return []
    try:
        data = json.loads(map_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        return []
    base = posixpath.join(posixpath.dirname(entry), str(data.get("sourceRoot") or ""))
    found = []
    for source in data["sources"]:
        if not isinstance(source, str) or "node_modules" in source or ":" in source.split("/")[0]:
            continue
        relative = posixpath.normpath(posixpath.join(base, source))
        if not relative.endswith(_JS_SUFFIXES) or posixpath.isabs(relative):
            continue
        if reader.inside(relative) and (reader.root / relative).is_file():
            found.append(relative)
    return found
