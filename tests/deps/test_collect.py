"""collect(): which files of a code root are read, and how their results combine."""

from __future__ import annotations

import json
from pathlib import Path

from faasguard.deps.collect import collect


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_display_paths_problems_and_dev_requirement_files(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "requirements.txt": "requests==2.30.0\nnot valid ===\n",
            "requirements-dev.txt": "pytest==8.2.0\nrequests==2.30.0\n",
            "lib/requirements.txt": "urllib3>=1.26\n",
        },
    )
    collected = collect(str(tmp_path), "python3.12")
    root = str(tmp_path)
    assert collected.manifests == (
        f"{root}/requirements.txt",
        f"{root}/requirements-dev.txt",
        f"{root}/lib/requirements.txt",
    )
    assert [(p.name, str(p.location)) for p in collected.packages] == [
        ("pytest", f"{root}/requirements-dev.txt:1"),
        ("requests", f"{root}/requirements.txt:1"),
    ]  # the same pin twice is one package, located in the deployed requirements
    assert [(p.name, p.requirement) for p in collected.unpinned] == [("urllib3", ">=1.26")]
    assert [str(location) for location, _ in collected.problems] == [f"{root}/requirements.txt:2"]
    # requests is also in requirements.txt, so only pytest is development-only
    assert collected.dev_only == {("PyPI", "pytest")}
    assert not collected.has_graph


def test_node_modules_read_as_installed_only_without_a_lockfile(tmp_path: Path) -> None:
    manifest = {"dependencies": {"lodash": "^4.17.0", "@scope/pkg": "^1.0.0"}}
    installed = {
        "node_modules/lodash/package.json": {"name": "lodash", "version": "4.17.20"},
        "node_modules/@scope/pkg/package.json": {
            "name": "@scope/pkg",
            "version": "1.0.1",
            "dependencies": {"lodash": "^4"},
        },
        "node_modules/@scope/pkg/node_modules/lodash/package.json": {
            "name": "lodash",
            "version": "3.10.1",
        },
    }
    _write(tmp_path, {"package.json": json.dumps(manifest)})
    _write(tmp_path, {path: json.dumps(data) for path, data in installed.items()})
    collected = collect(str(tmp_path))
    assert {(p.name, p.version, p.requires) for p in collected.packages} == {
        ("lodash", "4.17.20", ()),
        ("lodash", "3.10.1", ()),
        ("@scope/pkg", "1.0.1", ("lodash",)),
    }
    assert collected.unpinned == ()  # what is installed pins the package.json ranges
    assert collected.graph_ecosystems == {"npm"}
    lock = {"lockfileVersion": 3, "packages": {"node_modules/lodash": {"version": "4.17.21"}}}
    _write(tmp_path, {"package-lock.json": json.dumps(lock)})
    assert [(p.name, p.version) for p in collect(str(tmp_path)).packages] == [("lodash", "4.17.21")]


def test_vendored_packages_are_not_searched_for_manifests(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "app.py": "import yaml\n",
            "yaml/__init__.py": "",
            "yaml/requirements.txt": "should-not-be-read==1.0\n",
            "PyYAML-5.3.1.dist-info/METADATA": "Name: PyYAML\nVersion: 5.3.1\n",
            "PyYAML-5.3.1.dist-info/top_level.txt": "yaml\n",
            ".aws-sam/build/requirements.txt": "hidden==1.0\n",
        },
    )
    collected = collect(str(tmp_path))
    assert [(p.name, p.version, p.location.line) for p in collected.packages] == [
        ("pyyaml", "5.3.1", 2)
    ]


def test_empty_and_missing_code_roots(tmp_path: Path) -> None:
    empty = collect(str(tmp_path))
    assert (empty.manifests, empty.packages, empty.unpinned, empty.problems) == ((), (), (), ())
    missing = collect(str(tmp_path / "nope"))
    assert missing.packages == () and not missing.has_graph


def test_unreadable_file_is_a_problem_and_the_rest_goes_on(tmp_path: Path) -> None:
    _write(tmp_path, {"requirements.txt": "six==1.16.0\n", "package-lock.json": "{ nope"})
    collected = collect(str(tmp_path))
    assert [p.name for p in collected.packages] == ["six"]
    assert [(location.line, message) for location, message in collected.problems] == [
        (1, "not valid JSON: Expecting property name enclosed in double quotes")
    ]


def test_yarn_and_pnpm_locks_are_found_and_pin_the_manifest(tmp_path: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures" / "js_locks"
    manifest = json.dumps({"dependencies": {"lodash": "^4.17.0"}})
    _write(tmp_path, {"a/package.json": manifest, "b/package.json": manifest})
    (tmp_path / "a" / "yarn.lock").write_text((fixtures / "yarn-berry.lock").read_text())
    (tmp_path / "b" / "pnpm-lock.yaml").write_text((fixtures / "pnpm-v5.yaml").read_text())
    collected = collect(str(tmp_path))
    # only the git dependency of the yarn lock: the package.json ranges are pinned
    assert [(p.name, p.requirement) for p in collected.unpinned] == [
        ("tool", "https://github.com/acme/tool.git#commit=0123456789abcdef")
    ]
    # one package per (name, version) in a code root: the first directory read locates it
    assert [(p.version, str(p.location)) for p in collected.packages if p.name == "lodash"] == [
        ("4.17.20", f"{tmp_path}/a/yarn.lock:17")
    ]
    assert {p.name for p in collected.packages} >= {"jest", "react-dom", "scheduler", "resolve"}


def test_layer_layouts_are_read_as_installed(tmp_path: Path) -> None:
    site = "python/lib/python3.12/site-packages"
    _write(
        tmp_path,
        {
            f"{site}/requests-2.30.0.dist-info/METADATA": "Name: requests\nVersion: 2.30.0\n",
            f"{site}/requests/__init__.py": "",
            "nodejs/node_modules/lodash/package.json": '{"name": "lodash", "version": "4.17.20"}',
        },
    )
    collected = collect(str(tmp_path), "python3.12")
    assert sorted(
        (p.ecosystem, p.name, p.version, p.location.line) for p in collected.packages
    ) == [
        ("PyPI", "requests", "2.30.0", 2),
        ("npm", "lodash", "4.17.20", 1),
    ]


def test_extra_only_requirements_are_dropped_even_without_a_runtime(tmp_path: Path) -> None:
    metadata = (
        "Name: requests\nVersion: 2.30.0\nRequires-Dist: urllib3 (<3,>=1.21.1)\n"
        'Requires-Dist: PySocks (!=1.5.7,>=1.5.6) ; extra == "socks"\n'
        'Requires-Dist: chardet (<6,>=3.0.2) ; python_version < "3"\n'
    )
    _write(tmp_path, {"requests-2.30.0.dist-info/METADATA": metadata})
    (package,) = collect(str(tmp_path), runtime=None).packages
    assert package.requires == ("chardet", "urllib3")  # the python_version marker is unknown
    (package,) = collect(str(tmp_path), runtime="python3.12").packages
    assert package.requires == ("urllib3",)
