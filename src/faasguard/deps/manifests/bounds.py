"""Every bound the manifest readers and the import scan apply, in one place."""

from __future__ import annotations

#: a manifest or lockfile larger than this is reported, not read
MAX_MANIFEST_BYTES = 32 * 1024 * 1024
#: packages kept from one file (a lockfile of a huge monorepo is cut, and says so)
MAX_PACKAGES_PER_FILE = 50_000
#: `-r`/`-c` nesting depth in requirements files
MAX_INCLUDE_DEPTH = 8
#: requirements files read through includes from one top-level file
MAX_INCLUDED_FILES = 64
#: directory depth searched below a code root for manifests and sources
MAX_WALK_DEPTH = 6
#: files looked at below one code root (manifests, sources, installed metadata)
MAX_WALK_FILES = 20_000
#: installed package metadata files read (dist-info METADATA, node_modules package.json)
MAX_INSTALLED = 5_000
#: a source file larger than this is not parsed for imports
MAX_SOURCE_BYTES = 2 * 1024 * 1024
#: nesting of package-lock v1 `dependencies` objects
MAX_LOCK_NESTING = 64
#: YAML nodes converted from one lockfile (aliases count each time they are expanded)
MAX_YAML_NODES = 2_000_000
