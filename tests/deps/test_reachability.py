"""Import reachability: vendored dist-info, the name table, the lock graph, dynamic imports."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from faasguard.deps.collect import collect
from faasguard.deps.imports import package_of_specifier
from faasguard.deps.reachability import reachable

FIXTURES = Path(__file__).parent / "fixtures" / "reach"


def _reach(case: str, runtime: str | None = "python3.12") -> dict[tuple[str, str], tuple]:  # type: ignore[type-arg]
    code_dir = str(FIXTURES / case)
    return reachable(code_dir, collect(code_dir, runtime))


def test_vendored_packages_map_through_dist_info_and_their_graph() -> None:
    result = _reach("vendored")
    assert result == {
        ("PyPI", "pyyaml"): (True, "imported in app.py:2"),  # top_level.txt: yaml
        ("PyPI", "requests"): (True, "imported in helpers.py:1"),  # RECORD: requests/
        # Requires-Dist of requests; PySocks is only for the "socks" extra
        ("PyPI", "urllib3"): (True, "required by requests, which is imported in helpers.py:1"),
        # yaml/__init__.py imports six, but vendored code is not the function's own code
        ("PyPI", "six"): (False, "not imported, and no imported package requires it"),
    }


def test_vendored_metadata_is_collected_as_installed() -> None:
    collected = collect(str(FIXTURES / "vendored"), "python3.12")
    assert {(p.name, p.version, p.requires) for p in collected.packages} == {
        ("pyyaml", "5.3.1", ()),
        ("requests", "2.30.0", ("urllib3",)),
        ("six", "1.16.0", ()),
        ("urllib3", "1.26.4", ()),
    }
    assert collected.has_graph


def test_name_table_without_graph_reports_direct_imports_only() -> None:
    result = _reach("table")
    no_graph = "not imported by the code (direct imports only: no lockfile dependency graph)"
    assert result == {
        ("PyPI", "pyyaml"): (True, "imported in app.py:3"),
        ("PyPI", "python-dateutil"): (True, "imported in app.py:4"),
        ("PyPI", "urllib3"): (False, no_graph),
        ("PyPI", "beautifulsoup4"): (False, no_graph),
    }


def test_computed_import_makes_unimported_packages_unknown() -> None:
    result = _reach("dynamic")
    assert result[("PyPI", "pyyaml")] == (True, "imported in app.py:3")
    imported, note = result[("PyPI", "urllib3")]
    assert imported is None
    assert "app.py:7" in note


def test_js_requires_subpaths_aliases_graph_and_dev() -> None:
    result = _reach("js")
    assert result == {
        ("npm", "lodash"): (True, "imported in index.js:1"),  # 'lodash/fp'
        ("npm", "string-width"): (True, "imported in index.js:2"),  # via alias string-width-cjs
        ("npm", "strip-ansi"): (True, "required by string-width, which is imported in index.js:2"),
        ("npm", "jest"): (False, "development dependency only: not deployed"),
        ("npm", "minimist"): (False, "development dependency only: not deployed"),
    }


def test_js_dynamic_import_is_unknown_not_unused() -> None:
    result = _reach("jsdynamic")
    assert result[("npm", "lodash")] == (True, "imported in index.mjs:1")
    imported, note = result[("npm", "string-width")]
    assert imported is None and "index.mjs:2" in note


def test_package_of_specifier() -> None:
    assert package_of_specifier("lodash/fp") == "lodash"
    assert package_of_specifier("@aws-sdk/client-s3/dist") == "@aws-sdk/client-s3"
    assert package_of_specifier("@scope") == ""
    assert package_of_specifier("./local") == ""
    assert package_of_specifier("node:fs") == ""
    assert package_of_specifier("crypto") == ""
    assert package_of_specifier("fs/promises") == ""


def test_no_source_means_unknown(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("urllib3==1.26.4\n")
    result = reachable(str(tmp_path), collect(str(tmp_path)))
    assert result == {
        ("PyPI", "urllib3"): (None, "no Python source in the code root to check imports against")
    }


def test_unparsable_source_makes_unimported_unknown(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("urllib3==1.26.4\n")
    (tmp_path / "app.py").write_text("print 'python 2'\n")
    imported, note = reachable(str(tmp_path), collect(str(tmp_path)))[("PyPI", "urllib3")]
    assert imported is None and "app.py could not be parsed" in note


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_garbled_sources_never_crash(tmp_path_factory: object, source: bytes) -> None:
    from faasguard.deps.imports import python_imports, script_imports

    root = tmp_path_factory.mktemp("src")  # type: ignore[attr-defined]
    for name in ("a.py", "a.js", "a.ts", "a.tsx"):
        (root / name).write_bytes(source)
    python_imports(str(root), ("a.py",))
    found = script_imports(str(root), ("a.js", "a.ts", "a.tsx"))
    assert all(name and not name.startswith((".", "/")) for name in found.names)


def test_symlinked_manifest_outside_the_root_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret-package==1.0\n")
    root = tmp_path / "root"
    root.mkdir()
    (root / "requirements.txt").symlink_to(outside)
    assert collect(str(root)).packages == ()
