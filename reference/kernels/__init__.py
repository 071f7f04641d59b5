"""Array algorithms that round as torch's CPU kernels do: the order in which a sum accumulates
(accumulate.py) over TensorIterator's blocks and threads (iteration.py). They take and return NumPy arrays,
so both the ops (sum, mean, norm) and the autograd engine (summing a broadcast input's grad) use them."""
