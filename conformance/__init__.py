"""The conformance kit: spec-driven differential tests of a torch-like module against real PyTorch.

Run it with `python -m pytest conformance --impl=reference` (see README.md).
"""
