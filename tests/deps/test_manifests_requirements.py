"""requirements*.txt: pins, hashes, markers, extras, includes, URL/VCS/editable lines."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from faasguard.deps.manifests.requirements import parse_requirements

FIXTURES = Path(__file__).parent / "fixtures" / "requirements"


def _read(case: str, runtime: str | None = "python3.12", name: str = "requirements.txt"):
    path = FIXTURES / case / name
    return parse_requirements(str(path), f"{case}/{name}", runtime)


def test_pins_hashes_extras_markers_and_includes() -> None:
    parsed = _read("basic")
    pinned = {(p.name, p.version, str(p.location)) for p in parsed.packages}
    assert pinned == {
        ("pyyaml", "5.3.1", "basic/requirements.txt:2"),  # hash continuation lines joined
        ("requests", "2.30.0", "basic/requirements.txt:5"),  # extras do not change the name
        ("six", "1.16.0", "basic/requirements.txt:12"),  # a wheel URL names its version
        ("boto3", "1.28.0", "basic/base.txt:1"),  # -r followed, relative to the includer
    }
    # typing_extensions is excluded by its marker on Python 3.12
    unpinned = {(p.name, p.requirement, p.location.line) for p in parsed.unpinned}
    assert unpinned == {
        ("urllib3", "<2,>=1.26", 6),
        ("django", "~=4.2", 2),
        ("example-tool", "editable git+https://github.com/example/tool.git", 9),
        ("private-lib", "git+https://***@github.com/example/private.git", 10),
        ("package", "./local/package", 11),  # named after its folder
    }
    assert parsed.files == ("basic/requirements.txt", "basic/base.txt")
    assert [(p[0].line, p[1].split(":")[0]) for p in parsed.problems] == [(14, "not a requirement")]


def test_credentials_in_urls_are_never_repeated() -> None:
    parsed = _read("basic")
    text = repr(parsed)
    assert "s3cr3t" not in text


def test_marker_kept_when_runtime_unknown_and_applied_on_old_python() -> None:
    unknown = {p.name for p in _read("basic", runtime=None).packages}
    assert "typing-extensions" in unknown  # cannot evaluate: keep it
    old = {p.name for p in _read("basic", runtime="python3.7").packages}
    assert "typing-extensions" in old
    assert "urllib3" not in {p.name for p in _read("basic", runtime="python3.7").unpinned}


def test_include_cycle_ends_and_missing_include_is_a_problem() -> None:
    parsed = _read("cycle")
    assert {(p.name, p.version) for p in parsed.packages} == {
        ("flask", "2.0.0"),
        ("jinja2", "3.0.0"),
    }
    assert parsed.files == ("cycle/requirements.txt", "cycle/a.txt")
    assert [(str(loc), msg) for loc, msg in parsed.problems] == [
        ("cycle/a.txt:3", "included file 'missing.txt' not found")
    ]


def test_constraints_pin_requirements_but_install_nothing() -> None:
    parsed = _read("constraints")
    assert {(p.name, p.version, str(p.location)) for p in parsed.packages} == {
        ("requests", "2.30.0", "constraints/constraints.txt:1")
    }
    assert {p.name for p in parsed.unpinned} == {"idna"}  # certifi is only a constraint


def test_include_depth_is_bounded(tmp_path: Path) -> None:
    for level in range(20):
        (tmp_path / f"r{level}.txt").write_text(f"-r r{level + 1}.txt\npkg{level}==1.0\n")
    parsed = parse_requirements(str(tmp_path / "r0.txt"), "r0.txt", None)
    assert len(parsed.packages) == 9  # r0 .. r8: depth 8 is the bound
    assert any("nesting too deep" in message for _, message in parsed.problems)


def test_absolute_include_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(f"-r {os.sep}etc{os.sep}passwd\n")
    parsed = parse_requirements(str(tmp_path / "requirements.txt"), "requirements.txt", None)
    assert parsed.packages == ()
    assert "not followed" in parsed.problems[0][1]


_LINE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["-r", "-c x", "\\", "#", "a==1 \\", "--hash=sha256:ab", "b[x]==2;", "-e ."]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, max_size=12))
def test_garbled_files_never_crash(tmp_path_factory: object, lines: list[str]) -> None:
    assert hasattr(tmp_path_factory, "mktemp")
    directory = tmp_path_factory.mktemp("fuzz")  # type: ignore[attr-defined]
    path = directory / "requirements.txt"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    parsed = parse_requirements(str(path), "requirements.txt", "python3.12")
    for package in (*parsed.packages, *parsed.unpinned):
        assert package.location.line >= 1


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}", fullmatch=True),
            st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,2}", fullmatch=True),
        ),
        max_size=10,
        unique_by=lambda t: t[0].lower(),
    )
)
def test_round_trip_of_written_pins(tmp_path_factory: object, pins: list[tuple[str, str]]) -> None:
    directory = tmp_path_factory.mktemp("pins")  # type: ignore[attr-defined]
    path = directory / "requirements.txt"
    path.write_text("".join(f"{name}=={version}\n" for name, version in pins))
    parsed = parse_requirements(str(path), "requirements.txt", None)
    assert [(p.name, p.version, p.location.line) for p in parsed.packages] == [
        (name.lower(), version, line) for line, (name, version) in enumerate(pins, start=1)
    ]
