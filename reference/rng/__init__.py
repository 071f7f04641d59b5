"""torch-exact CPU random number generation (MT19937 and torch's CPU kernels) in NumPy."""
