"""Walk the scanned paths and decide what each file is, without parsing deeply."""

from __future__ import annotations

import enum
import fnmatch
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from faasguard.limits import MAX_FILES, SNIFF_BYTES

#: directories that never hold the app definition we should scan (vendored code, build output)
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".terraform",
        ".serverless",
        "site-packages",
        ".idea",
        ".vscode",
    }
)
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")

_CFN_MARKERS = (
    re.compile(rb"AWSTemplateFormatVersion"),
    re.compile(rb"AWS::Serverless-2016-10-31"),
)
_RESOURCES = re.compile(rb"""(^|[\s{,])["']?Resources["']?\s*:""", re.MULTILINE)
_AWS_TYPE = re.compile(rb"""["']?Type["']?\s*:\s*["']?(AWS|Custom|Alexa)::""")


class FileKind(enum.StrEnum):
    CLOUDFORMATION = "cloudformation"
    SERVERLESS = "serverless"  # serverless.yml / .yaml / .json
    #: a Terraform module directory: all its ``*.tf`` / ``*.tf.json`` files form one app
    TERRAFORM = "terraform"


SERVERLESS_NAMES = frozenset({"serverless.yml", "serverless.yaml", "serverless.json"})
TERRAFORM_SUFFIXES = (".tf", ".tf.json")
#: ``source = "./modules/x"`` in a module block: a local module, analysed with its caller
_LOCAL_MODULE_SOURCE = re.compile(rb"""["']?source["']?\s*[=:]\s*["'](\.{1,2}/[^"']*)["']""")


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class DiscoveredFile:
    display: str  # path shown in findings: the scan argument joined with the relative path
    path: str  # absolute path on disk
    kind: FileKind
    root: str  # absolute directory of the scan argument (code paths are relative to the file)


@dataclass(frozen=True, slots=True, kw_only=True)
class Discovery:
    files: tuple[DiscoveredFile, ...]
    missing: tuple[str, ...]  # arguments that do not exist
    truncated: bool = False


def looks_like_template(head: bytes) -> bool:
    """CloudFormation/SAM by content: a marker, or a Resources section with AWS types."""
    if any(marker.search(head) for marker in _CFN_MARKERS):
        return True
    return bool(_RESOURCES.search(head) and _AWS_TYPE.search(head))


def _is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def _skip_dir(name: str, full: str) -> bool:
    if name in SKIPPED_DIRS or _is_virtualenv(full):
        return True
    parent = os.path.basename(os.path.dirname(full))
    # SAM build output duplicates the templates and vendors every dependency; CDK asset folders
    # hold bundled code, never a template of the app
    return (name == "build" and parent == ".aws-sam") or (
        parent == "cdk.out" and name.startswith("asset.")
    )


def _walk(top: str) -> Iterator[str]:
    for current, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not _skip_dir(d, os.path.join(current, d)))
        in_cdk_out = os.path.basename(current) == "cdk.out"
        for name in sorted(files):
            if in_cdk_out and not name.endswith(".template.json"):
                continue
            yield os.path.join(current, name)


def _excluded(rel: str, patterns: Sequence[str]) -> bool:
    parts = rel.split("/")
    return any(
        fnmatch.fnmatch(rel, pat) or any(fnmatch.fnmatch(p, pat) for p in parts) for pat in patterns
    )


def _classify(path: str) -> FileKind | None:
    if os.path.basename(path) in SERVERLESS_NAMES:
        return FileKind.SERVERLESS
    if not path.endswith(TEMPLATE_SUFFIXES):
        return None
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return None
    return FileKind.CLOUDFORMATION if looks_like_template(head) else None


def _discovered(path: str, base: str, prefix: str, kind: FileKind) -> DiscoveredFile:
    rel = os.path.relpath(path, base).replace(os.sep, "/")
    display = rel if prefix in ("", ".") else f"{prefix.rstrip('/')}/{rel}"
    if rel == ".":  # a Terraform module given as the scan argument itself
        display = prefix or "."
    return DiscoveredFile(display=display, path=path, kind=kind, root=base)


def _local_module_dirs(directory: str) -> set[str]:
    """Directories that the ``.tf`` files of ``directory`` call as local modules (shallow read)."""
    called: set[str] = set()
    for name in sorted(os.listdir(directory)):
        if not name.endswith(TERRAFORM_SUFFIXES):
            continue
        try:
            with open(os.path.join(directory, name), "rb") as handle:
                text = handle.read(SNIFF_BYTES * 16)
        except OSError:
            continue
        for line in text.splitlines():
            if line.lstrip().startswith((b"#", b"//")):
                continue  # a commented-out module call calls nothing
            for match in _LOCAL_MODULE_SOURCE.finditer(line):
                source = match.group(1).decode("utf-8", "replace")
                called.add(os.path.normpath(os.path.join(directory, source)))
    return called


def _terraform_roots(tf_files: Sequence[str]) -> list[str]:
    """Module directories holding Terraform files, minus those another one calls as a module."""
    directories = sorted({os.path.dirname(p) for p in tf_files})
    called: set[str] = set()
    for directory in directories:
        called |= _local_module_dirs(directory)
    return [d for d in directories if d not in called]


def discover(paths: Sequence[str | Path], exclude: Sequence[str] = ()) -> Discovery:
    """Every recognised file under ``paths``, sorted, with display names relative to each path."""
    found: dict[str, DiscoveredFile] = {}
    missing: list[str] = []
    truncated = False
    for arg in paths:
        text = str(arg)
        absolute = os.path.abspath(text)
        if not os.path.exists(absolute):
            missing.append(text)
            continue
        if os.path.isfile(absolute):
            candidates: Iterator[str] = iter([absolute])
            base = os.path.dirname(absolute)
            prefix = os.path.dirname(text)
        else:
            candidates = _walk(absolute)
            base, prefix = absolute, text
        tf_files: list[str] = []
        for path in candidates:
            rel = os.path.relpath(path, base).replace(os.sep, "/")
            if _excluded(rel, exclude) or path in found:
                continue
            if path.endswith(TERRAFORM_SUFFIXES):
                tf_files.append(path)
                continue
            kind = _classify(path)
            if kind is None:
                continue
            if len(found) >= MAX_FILES:
                truncated = True
                break
            found[path] = _discovered(path, base, prefix, kind)
        for directory in _terraform_roots(tf_files):
            if directory not in found:
                found[directory] = _discovered(directory, base, prefix, FileKind.TERRAFORM)
    return Discovery(
        files=tuple(sorted(found.values())), missing=tuple(missing), truncated=truncated
    )
