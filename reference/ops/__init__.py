"""The ops, one module per family (elementwise, unary, compare, reductions, shape, indexing, concat, linalg,
convert, out=), each op's forward next to its backward. reference/_api.py attaches them to Tensor and
exports the torch.<name> functions; ops/fast.py holds the fast paths."""
