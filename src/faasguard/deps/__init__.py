"""Dependency audit: lockfiles, OSV advisories, import reachability."""
