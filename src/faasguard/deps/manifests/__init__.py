"""Readers of dependency manifests and lockfiles, one module per format family."""
