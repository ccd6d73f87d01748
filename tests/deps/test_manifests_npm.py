"""package.json and package-lock.json v1/v3: aliases, links, workspaces, dev dependencies."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from faasguard.deps.collect import collect
from faasguard.deps.manifests.npm import parse_package_json, parse_package_lock

FIXTURES = Path(__file__).parent / "fixtures" / "npm"


def _rows(packages: tuple) -> set[tuple[str, str | None, int, bool]]:  # type: ignore[type-arg]
    return {(p.name, p.version, p.location.line, p.direct) for p in packages}


def test_lock_v3_real_names_links_and_workspaces() -> None:
    parsed = parse_package_lock(str(FIXTURES / "v3" / "package-lock.json"), "v3/package-lock.json")
    assert _rows(parsed.packages) == {
        ("jest", "29.7.0", 23, True),
        ("lodash", "4.17.20", 30, True),
        ("minimist", "1.2.5", 34, False),
        ("string-width", "4.2.3", 38, True),  # the alias string-width-cjs resolves to its name
        ("strip-ansi", "6.0.1", 45, False),
    }  # @acme/shared (link: true) and packages/shared (a workspace) are the project's own code
    requires = {p.name: p.requires for p in parsed.packages}
    assert requires["string-width"] == ("strip-ansi",)
    assert requires["jest"] == ("minimist",)
    assert parsed.dev_only == {"jest", "minimist"}
    assert parsed.has_graph


def test_lock_v1_nested_aliases_and_local_versions() -> None:
    parsed = parse_package_lock(str(FIXTURES / "v1" / "package-lock.json"), "v1/package-lock.json")
    assert _rows(parsed.packages) == {
        ("lodash", "4.17.20", 7, True),
        ("mkdirp", "0.5.1", 11, True),
        ("minimist", "0.0.8", 17, False),  # nested under mkdirp: not a top-level entry
        ("minimist", "1.2.5", 22, True),
        ("string-width", "4.2.3", 26, True),  # "npm:string-width@4.2.3"
    }  # local-lib ("file:../local-lib") is not a registry package
    assert {p.name: p.requires for p in parsed.packages}["mkdirp"] == ("minimist",)
    assert parsed.dev_only == frozenset()  # minimist is also installed for mkdirp


def test_package_json_alone_pins_exact_versions_only() -> None:
    parsed = parse_package_json(str(FIXTURES / "bare" / "package.json"), "bare/package.json")
    assert _rows(parsed.packages) == {("axios", "1.6.0", 4, True), ("mocha", "10.0.0", 9, True)}
    assert {(p.name, p.requirement, p.location.line) for p in parsed.unpinned} == {
        ("@scope/pkg", "^2.0.0", 5),
        ("tool", "github:acme/tool", 6),
    }
    assert parsed.dev_only == {"mocha"}


def test_collect_lockfile_wins_over_manifest() -> None:
    collected = collect(str(FIXTURES / "v3"))
    assert collected.unpinned == ()  # package.json ranges are pinned by the lockfile
    assert {p.name for p in collected.packages} == {
        "jest",
        "lodash",
        "minimist",
        "string-width",
        "strip-ansi",
    }
    assert collected.has_graph and collected.graph_ecosystems == {"npm"}
    assert collected.dev_only == {("npm", "jest"), ("npm", "minimist")}
    assert [m.rsplit("/", 1)[1] for m in collected.manifests] == [
        "package-lock.json",
        "package.json",
    ]


def test_malformed_lock_is_a_problem_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "package-lock.json").write_text('{\n  "packages": {\n    "x": \n}\n')
    parsed = parse_package_lock(str(tmp_path / "package-lock.json"), "package-lock.json")
    assert parsed.packages == ()
    assert [(loc.line, msg.split(":")[0]) for loc, msg in parsed.problems] == [
        (4, "not valid JSON")
    ]


_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.text(max_size=8), st.sampled_from(["node_modules/a", "version", ""])),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["packages", "dependencies", "lockfileVersion", "name"]), _JSON, max_size=4
    )
)
def test_random_lock_structures_never_crash(tmp_path_factory: object, data: dict) -> None:  # type: ignore[type-arg]
    import json

    path = tmp_path_factory.mktemp("lock") / "package-lock.json"  # type: ignore[attr-defined]
    path.write_text(json.dumps(data, indent=2))
    parse_package_lock(str(path), "package-lock.json")
    parse_package_json(str(path), "package.json")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_garbled_text_never_crashes(tmp_path_factory: object, text: str) -> None:
    path = tmp_path_factory.mktemp("garbled") / "package-lock.json"  # type: ignore[attr-defined]
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    parsed = parse_package_lock(str(path), "package-lock.json")
    assert parsed.packages == () or parsed.has_graph


_NAMES = st.from_regex(r"(@[a-z][a-z0-9-]{0,6}/)?[a-z][a-z0-9._-]{0,10}", fullmatch=True)
_VERSIONS = st.from_regex(r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(-rc\.[0-9])?", fullmatch=True)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_NAMES, _VERSIONS, max_size=12))
def test_lock_v3_round_trip(tmp_path_factory: object, locked: dict[str, str]) -> None:
    import json

    packages: dict[str, object] = {"": {"name": "app", "dependencies": dict.fromkeys(locked, "*")}}
    packages.update({f"node_modules/{name}": {"version": v} for name, v in locked.items()})
    path = tmp_path_factory.mktemp("rt") / "package-lock.json"  # type: ignore[attr-defined]
    text = json.dumps({"lockfileVersion": 3, "packages": packages}, indent=2)
    path.write_text(text)
    parsed = parse_package_lock(str(path), "package-lock.json")
    lines = text.splitlines()
    assert {(p.name, p.version) for p in parsed.packages} == set(locked.items())
    for package in parsed.packages:
        assert lines[package.location.line - 1].strip() == f'"node_modules/{package.name}": {{'
        assert package.direct
