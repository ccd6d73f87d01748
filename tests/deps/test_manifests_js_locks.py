"""yarn.lock (classic and berry) and pnpm-lock.yaml (v5, v6, v9)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from faasguard.deps.manifests.common import Parsed
from faasguard.deps.manifests.pnpm import parse_key, parse_pnpm_lock
from faasguard.deps.manifests.yarn import parse_yarn_lock

FIXTURES = Path(__file__).parent / "fixtures" / "js_locks"


def _rows(parsed: Parsed) -> set[tuple[str, str | None, int, tuple[str, ...]]]:
    return {(p.name, p.version, p.location.line, p.requires) for p in parsed.packages}


def _unpinned(parsed: Parsed) -> list[tuple[str, int, str]]:
    return [(p.name, p.location.line, p.requirement) for p in parsed.unpinned]


def test_yarn_classic_aliases_quoted_properties_and_local_entries() -> None:
    parsed = parse_yarn_lock(str(FIXTURES / "yarn-classic.lock"), "yarn.lock")
    assert _rows(parsed) == {
        ("@babel/code-frame", "7.12.13", 5, ("@babel/highlight",)),
        ("@babel/highlight", "7.13.10", 12, ()),
        ("lodash", "4.17.20", 16, ()),
        ("string-width", "4.2.3", 20, ("strip-ansi",)),  # string-width-cjs@npm:string-width
        ("strip-ansi", "6.0.1", 26, ()),  # "version" quoted
    }  # shared@file: is the project's own folder
    assert _unpinned(parsed) == [
        ("tool", 32, "https://codeload.github.com/acme/tool/tar.gz/0123456789abcdef")
    ]
    assert parsed.aliases == {("string-width-cjs", "string-width")}
    assert parsed.problems == ()


def test_yarn_berry_workspace_patch_and_git() -> None:
    parsed = parse_yarn_lock(str(FIXTURES / "yarn-berry.lock"), "yarn.lock")
    assert _rows(parsed) == {
        ("lodash", "4.17.20", 17, ()),
        ("resolve", "1.22.1", 24, ()),  # patch: audited as its base version
        ("string-width", "4.2.3", 30, ("strip-ansi",)),
        ("strip-ansi", "6.0.1", 38, ()),
    }  # app@workspace:. (0.0.0-use.local) is not a registry package
    assert _unpinned(parsed) == [
        ("tool", 44, "https://github.com/acme/tool.git#commit=0123456789abcdef")
    ]
    assert parsed.aliases == {("string-width-cjs", "string-width")}


def test_pnpm_v5_keys_peer_suffix_and_dev() -> None:
    parsed = parse_pnpm_lock(str(FIXTURES / "pnpm-v5.yaml"), "pnpm-lock.yaml")
    assert _rows(parsed) == {
        ("jest", "29.7.0", 17, ()),
        ("lodash", "4.17.20", 21, ()),
        ("react-dom", "18.0.0", 25, ("react", "scheduler")),  # _react@18.0.0 stripped
        ("react", "18.0.0", 34, ()),
        ("scheduler", "0.23.0", 38, ()),
    }
    assert {p.name for p in parsed.packages if p.direct} == {"jest", "lodash", "react-dom"}
    assert parsed.dev_only == {"jest"}


def test_pnpm_v6_scoped_peers_and_links() -> None:
    parsed = parse_pnpm_lock(str(FIXTURES / "pnpm-v6.yaml"), "pnpm-lock.yaml")
    assert _rows(parsed) == {
        ("@scope/pkg", "1.0.1", 16, ()),
        ("react-dom", "18.0.0", 20, ("react", "scheduler")),  # (react@18.0.0) stripped
        ("react", "18.0.0", 29, ()),
        ("scheduler", "0.23.0", 33, ()),
    }
    assert {p.name for p in parsed.packages if p.direct} == {"@scope/pkg", "react-dom"}
    assert parsed.dev_only == frozenset()


def test_pnpm_v9_snapshots_importers_aliases_and_tarballs() -> None:
    parsed = parse_pnpm_lock(str(FIXTURES / "pnpm-v9.yaml"), "pnpm-lock.yaml")
    assert _rows(parsed) == {
        ("jest", "29.7.0", 24, ()),
        ("react-dom", "18.0.0", 27, ("react", "scheduler")),  # graph from snapshots
        ("react", "18.0.0", 32, ()),
        ("scheduler", "0.23.0", 35, ()),
        ("string-width", "4.2.3", 38, ()),
    }
    assert {p.name for p in parsed.packages if p.direct} == {"jest", "react-dom", "string-width"}
    assert _unpinned(parsed) == [
        ("tool", 41, "https://codeload.github.com/acme/tool/tar.gz/0123456789abcdef")
    ]
    assert parsed.dev_only == {"jest"}
    assert parsed.aliases == {("string-width-cjs", "string-width")}


def test_pnpm_key_forms() -> None:
    assert parse_key("/lodash/4.17.21", v5=True) == ("lodash", "4.17.21", "")
    assert parse_key("/@babel/core/7.0.0_supports-color@5.5.0", v5=True) == (
        "@babel/core",
        "7.0.0",
        "",
    )
    assert parse_key("/@scope/pkg@1.0.0(react@18.0.0)(patch_hash=abc)", v5=False) == (
        "@scope/pkg",
        "1.0.0",
        "",
    )
    assert parse_key("pkg@link:../pkg", v5=False) == ("pkg", "", "")
    assert parse_key("", v5=False) == ("", "", "")
    assert parse_key("/", v5=True) == ("", "", "")


def test_yaml_alias_bomb_is_bounded(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 9)]
    lines.append("packages: {}")
    (tmp_path / "pnpm-lock.yaml").write_text("\n".join(lines))
    parsed = parse_pnpm_lock(str(tmp_path / "pnpm-lock.yaml"), "pnpm-lock.yaml")
    assert parsed.packages == ()
    assert "too many YAML nodes" in parsed.problems[0][1]


def test_invalid_yaml_reports_its_line(tmp_path: Path) -> None:
    (tmp_path / "yarn.lock").write_text('__metadata:\n  version: 8\n"a@npm:1":\n  version: [\n')
    parsed = parse_yarn_lock(str(tmp_path / "yarn.lock"), "yarn.lock")
    assert parsed.packages == () and parsed.problems[0][0].line >= 4


_FRAGMENTS = st.sampled_from(
    [
        "__metadata:",
        "  version: 8",
        "lockfileVersion: '9.0'",
        "packages:",
        "snapshots:",
        "  /a/1.0.0:",
        "  a@1.0.0:",
        "    dependencies:",
        "      b: 1.0.0",
        '"x@npm:^1":',
        '  resolution: "x@npm:1.0.0"',
        "lodash@^4:",
        '  version "4.0.0"',
        "  dependencies:",
        '    "@s/y" "^1"',
        "importers:",
        "  .:",
        "    - [",
        "&a *a",
        "\t",
        "a@npm:b@npm:c@1:",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=20)), max_size=16))
def test_garbled_lockfiles_never_crash(tmp_path_factory: object, lines: list[str]) -> None:
    path = tmp_path_factory.mktemp("jslock") / "lock"  # type: ignore[attr-defined]
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    for parsed in (parse_yarn_lock(str(path), "lock"), parse_pnpm_lock(str(path), "lock")):
        assert all(p.name for p in parsed.packages)


_NAMES = st.from_regex(r"(@[a-z][a-z0-9-]{0,6}/)?[a-z][a-z0-9._-]{0,10}", fullmatch=True)
_VERSIONS = st.from_regex(r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}", fullmatch=True)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_NAMES, _VERSIONS, max_size=12))
def test_yarn_classic_round_trip(tmp_path_factory: object, locked: dict[str, str]) -> None:
    blocks = [f'"{name}@^{v}":\n  version "{v}"\n' for name, v in locked.items()]
    path = tmp_path_factory.mktemp("yarn") / "yarn.lock"  # type: ignore[attr-defined]
    path.write_text("# yarn lockfile v1\n\n\n" + "\n".join(blocks))
    parsed = parse_yarn_lock(str(path), "yarn.lock")
    assert {(p.name, p.version) for p in parsed.packages} == set(locked.items())
    lines = path.read_text().splitlines()
    for package in parsed.packages:
        assert lines[package.location.line - 1].startswith(f'"{package.name}@^')
