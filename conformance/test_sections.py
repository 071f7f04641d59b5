"""Placeholder collected by conformance/conftest.py: the tests themselves are generated from spec/*.toml."""
