"""The conformance kit's own tests: planted-bug backends, spec loading, bad implementations."""
