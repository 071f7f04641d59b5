"""A backend whose import fails, as one with a missing compiled extension does."""
raise ImportError("libmini_kernels.so: cannot open shared object file")
