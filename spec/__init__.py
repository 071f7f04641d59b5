"""The spec: one TOML file per tutorial section (see README.md here), shipped as package data.

A package so that wheels carry the files and `conformance.spec` finds them through
importlib.resources, from a clone, an installed wheel, an editable install or a zip alike.
"""

# conformance.spec checks this, so that some other top-level `spec` package on sys.path (a
# backend's own spec/ folder, say) is refused with a clear message instead of judged by.
KIT = "tutorial-conformance"
