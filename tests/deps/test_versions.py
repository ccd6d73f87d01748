"""Version ordering per ecosystem: PEP 440 for PyPI, SemVer 2.0 precedence for npm/SEMVER."""

from __future__ import annotations

from typing import TypeAlias

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from faasguard.deps.versions import (
    base_ecosystem,
    compare,
    crosses_major,
    equal,
    normalise_name,
    parse,
    scheme_for,
)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("5.4b1", "5.4", -1),  # a pre-release precedes its release (SpecifierSet would drop it)
        ("1.0-1", "1.0.post1", 0),  # implicit post release (PEP 440)
        ("1.01", "1.1", 0),  # leading zeros are not significant
        ("2.0.0", "2.0", 0),  # trailing zeros are not significant
        ("1.26.17", "2.0.0", -1),
        ("1!1.0", "2.0", 1),  # epochs outrank releases
        ("1.0.dev1", "1.0a1", -1),
    ],
)
def test_pep440_order(a: str, b: str, expected: int) -> None:
    assert compare(parse("pep440", a), parse("pep440", b)) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1.3.0-rc.1", "1.3.0", -1),  # precedence, although npm's satisfies("<1.3.0") is false
        ("4.17.21-rc.1", "4.17.21", -1),
        ("1.0.0-alpha", "1.0.0-alpha.1", -1),  # SemVer 2.0 §11 examples
        ("1.0.0-alpha.beta", "1.0.0-beta", -1),
        ("1.0.0-beta.2", "1.0.0-beta.11", -1),  # numeric identifiers compare numerically
        ("1.0.0+build.1", "1.0.0+build.2", 0),  # build metadata has no precedence
        ("v1.2.3", "1.2.3", 0),  # npm tolerates a leading v or =
        ("=1.2.3", "1.2.3", 0),
    ],
)
def test_semver_precedence(a: str, b: str, expected: int) -> None:
    assert compare(parse("semver", a), parse("semver", b)) == expected


def test_unparseable_versions_compare_by_equality_only() -> None:
    odd = parse("semver", "1.02.3")  # leading zero: invalid SemVer
    assert odd.key is None
    assert compare(odd, parse("semver", "1.2.3")) is None
    assert equal(odd, parse("semver", "1.02.3"))
    assert parse("pep440", "2.0-final-foo").key is None
    assert compare(parse("pep440", "not a version"), parse("pep440", "1.0")) is None


@pytest.mark.parametrize(
    ("ecosystem", "range_type", "scheme"),
    [
        ("PyPI", "ECOSYSTEM", "pep440"),
        ("npm", "ECOSYSTEM", "semver"),
        ("PyPI", "SEMVER", "semver"),
        ("PyPI", "GIT", ""),
        ("Debian:12", "ECOSYSTEM", ""),
        ("PyPI:extra", "ECOSYSTEM", "pep440"),
    ],
)
def test_scheme_for(ecosystem: str, range_type: str, scheme: str) -> None:
    assert scheme_for(ecosystem, range_type) == scheme


def test_names_are_normalised_per_ecosystem() -> None:
    assert normalise_name("PyPI", "PyYAML") == "pyyaml"
    assert normalise_name("PyPI", "Foo__Bar.baz") == "foo-bar-baz"
    assert normalise_name("npm", "@Types/Node") == "@Types/Node"  # npm: as written
    assert base_ecosystem("Alpine:v3.17") == "Alpine"


_release = st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=4)
_pre = st.one_of(st.none(), st.tuples(st.sampled_from(["a", "b", "rc"]), st.integers(0, 5)))


@st.composite
def pep440(draw: st.DrawFn) -> str:
    text = ".".join(str(n) for n in draw(_release))
    pre = draw(_pre)
    return text + (f"{pre[0]}{pre[1]}" if pre else "")


@given(pep440(), pep440())
def test_pep440_agrees_with_packaging(a: str, b: str) -> None:
    expected = (Version(a) > Version(b)) - (Version(a) < Version(b))
    assert compare(parse("pep440", a), parse("pep440", b)) == expected
    assert compare(parse("pep440", b), parse("pep440", a)) == -expected


_ident = st.from_regex(r"[0-9A-Za-z-]{1,6}", fullmatch=True).filter(
    lambda s: not (s.isdigit() and len(s) > 1 and s.startswith("0"))
)


SemVer: TypeAlias = tuple[tuple[int, int, int], tuple[str, ...]]


@st.composite
def semvers(draw: st.DrawFn) -> SemVer:
    core = (draw(st.integers(0, 9)), draw(st.integers(0, 9)), draw(st.integers(0, 9)))
    return core, tuple(draw(st.lists(_ident, max_size=3)))


def _reference_semver(a: SemVer, b: SemVer) -> int:
    """SemVer 2.0.0 §11, written out independently of the library."""
    if a[0] != b[0]:
        return -1 if a[0] < b[0] else 1
    pa, pb = a[1], b[1]
    if not pa or not pb:
        return (not pa) - (not pb)  # no pre-release ranks higher
    for x, y in zip(pa, pb, strict=False):
        if x == y:
            continue
        if x.isdigit() and y.isdigit():
            return -1 if int(x) < int(y) else 1
        if x.isdigit() != y.isdigit():
            return -1 if x.isdigit() else 1  # numeric identifiers rank lower
        return -1 if x < y else 1
    return (len(pa) > len(pb)) - (len(pa) < len(pb))


@given(semvers(), semvers())
def test_semver_agrees_with_spec_reference(a: SemVer, b: SemVer) -> None:
    def text(v: SemVer) -> str:
        core = ".".join(map(str, v[0]))
        return core + ("-" + ".".join(v[1]) if v[1] else "")

    assert compare(parse("semver", text(a)), parse("semver", text(b))) == _reference_semver(a, b)


@given(st.text(max_size=30))
def test_garbage_never_raises(text: str) -> None:
    for scheme in ("pep440", "semver", ""):
        parsed = parse(scheme, text)  # type: ignore[arg-type]
        assert compare(parsed, parsed) == 0


def test_major_version_jumps_are_recognised() -> None:
    assert crosses_major("PyPI", "1.26.5", "2.0.6")
    assert not crosses_major("PyPI", "1.26.5", "1.26.17")
    assert crosses_major("npm", "0.2.3", "1.2.6")
    assert not crosses_major("npm", "4.17.20", "4.17.21")
    assert not crosses_major("PyPI", "not-a-version", "2.0")
