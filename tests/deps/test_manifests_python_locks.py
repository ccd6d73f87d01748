"""pyproject.toml (PEP 621, Poetry), poetry.lock, uv.lock, pdm.lock and Pipfile.lock."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from faasguard.deps.collect import collect
from faasguard.deps.manifests import python_locks
from faasguard.deps.manifests.pyproject import parse_pyproject

FIXTURES = Path(__file__).parent / "fixtures" / "pylocks"


def _rows(parsed) -> set[tuple[str, str | None, int, bool, tuple[str, ...]]]:  # type: ignore[no-untyped-def]
    return {(p.name, p.version, p.location.line, p.direct, p.requires) for p in parsed.packages}


def test_poetry_lock_with_its_pyproject() -> None:
    collected = collect(str(FIXTURES / "poetry"), "python3.12")
    assert {(p.name, p.version, p.location.line, p.direct) for p in collected.packages} == {
        ("pytest", "8.2.0", 19, False),
        ("pyyaml", "5.3.1", 28, True),
        ("requests", "2.30.0", 36, True),
        ("urllib3", "1.26.4", 48, False),
    }
    assert {p.name: p.requires for p in collected.packages}["requests"] == ("certifi", "urllib3")
    # the lock pins the pyproject ranges; only the git source stays unauditable
    assert [(p.name, p.location.line, p.requirement) for p in collected.unpinned] == [
        ("internal-lib", 4, "git https://github.com/acme/internal-lib.git")
    ]
    assert collected.dev_only == {("PyPI", "pytest")}
    assert collected.graph_ecosystems == {"PyPI"}


def test_uv_lock_skips_the_project_and_redacts_source_credentials() -> None:
    parsed = python_locks.parse_uv_lock(str(FIXTURES / "uv" / "uv.lock"), "uv.lock")
    assert _rows(parsed) == {
        ("pytest", "8.2.0", 18, True, ()),  # a dev dependency of the project
        ("requests", "2.30.0", 23, True, ("urllib3",)),
        ("urllib3", "1.26.4", 36, False, ()),
    }
    assert [(p.name, p.location.line, p.requirement) for p in parsed.unpinned] == [
        ("tool", 31, "git https://***@github.com/acme/tool?rev=main#0123456789abcdef")
    ]
    assert parsed.dev_only == {"pytest"}


def test_pdm_lock_groups_and_requirement_strings() -> None:
    parsed = python_locks.parse_pdm_lock(str(FIXTURES / "pdm" / "pdm.lock"), "pdm.lock")
    assert _rows(parsed) == {
        ("pytest", "8.2.0", 10, True, ()),
        ("requests", "2.30.0", 17, True, ("certifi", "urllib3")),
        ("urllib3", "1.26.4", 28, True, ()),
    }
    assert parsed.dev_only == {"pytest"}


def test_pipfile_lock_sections_and_git_entries() -> None:
    path = FIXTURES / "pipenv" / "Pipfile.lock"
    parsed = python_locks.parse_pipfile_lock(str(path), "Pipfile.lock")
    assert {(p.name, p.version, p.location.line) for p in parsed.packages} == {
        ("requests", "2.30.0", 19),
        ("urllib3", "1.26.4", 26),
        ("pytest", "8.2.0", 35),
    }
    assert [(p.name, p.location.line) for p in parsed.unpinned] == [("tool", 29)]
    assert parsed.dev_only == {"pytest"}
    assert not parsed.has_graph


def test_pep621_pins_ranges_markers_and_urls() -> None:
    path = FIXTURES / "pep621" / "pyproject.toml"
    parsed = parse_pyproject(str(path), "pyproject.toml", "python3.12")
    assert {(p.name, p.version, p.location.line) for p in parsed.packages} == {
        ("pyyaml", "5.3.1", 6)
    }
    assert {(p.name, p.requirement, p.location.line) for p in parsed.unpinned} == {
        ("requests", ">=2.30", 5),
        ("tool", "@ git+https://github.com/acme/tool.git", 8),
    }  # tomli only for Python < 3.11; optional dependencies are not installed


def test_poetry_manifest_without_lock_is_unpinned_except_exact() -> None:
    path = FIXTURES / "poetry" / "pyproject.toml"
    parsed = parse_pyproject(str(path), "pyproject.toml", "python3.12")
    assert {(p.name, p.version, p.location.line) for p in parsed.packages} == {
        ("pyyaml", "5.3.1", 8)  # a bare Poetry version is exact
    }
    assert {(p.name, p.requirement, p.location.line) for p in parsed.unpinned} == {
        ("requests", "^2.30", 7),
        ("internal-lib", "git https://github.com/acme/internal-lib.git", 9),
    }


def test_invalid_toml_reports_its_line(tmp_path: Path) -> None:
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = "a"\nversion = \n')
    parsed = python_locks.parse_poetry_lock(str(tmp_path / "poetry.lock"), "poetry.lock")
    assert parsed.packages == ()
    assert parsed.problems[0][0].line == 3


_READERS = (
    python_locks.parse_poetry_lock,
    python_locks.parse_uv_lock,
    python_locks.parse_pdm_lock,
    python_locks.parse_pipfile_lock,
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "[[package]]",
                    'name = "a"',
                    "version = 1",
                    'version = "1.0"',
                    "[package.source]",
                    'type = "git"',
                    "dependencies = [1]",
                    'groups = "x"',
                    "{",
                    '"default": {',
                ]
            ),
            st.text(max_size=30),
        ),
        max_size=15,
    )
)
def test_garbled_locks_never_crash(tmp_path_factory: object, lines: list[str]) -> None:
    path = tmp_path_factory.mktemp("pylock") / "lock"  # type: ignore[attr-defined]
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    for reader in _READERS:
        reader(str(path), "lock")
    parse_pyproject(str(path), "pyproject.toml", "python3.12")
