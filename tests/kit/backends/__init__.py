"""Backends for the kit's own tests: real torch through a proxy, faithful or with one planted bug."""
