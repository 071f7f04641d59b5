"""torch's CPU generator state as bytes (CPUGeneratorImplState, 5056 bytes, little endian).

Layout: legacy pod {u64 seed; i32 left; i32 seeded; u64 next; u64 state[624];
f64 normal_x; f64 normal_y; f64 normal_rho; i32 normal_is_valid; 4 pad}, then
f32 next_float_normal; bool valid; 3 pad. Only normal_y carries the cached double normal.
"""
import numpy as np

STATE_SIZE = 5056
_LAYOUT = np.dtype({
    "names": ["seed", "left", "seeded", "next", "state", "normal_x", "normal_y", "normal_rho",
              "normal_is_valid", "float_normal", "float_normal_valid"],
    "formats": ["<u8", "<i4", "<i4", "<u8", ("<u8", 624), "<f8", "<f8", "<f8", "<i4", "<f4", "u1"],
    "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
    "itemsize": STATE_SIZE,
})


def pack(seed, left, next_, key, double_normal, float_normal):
    rec = np.zeros(1, dtype=_LAYOUT)
    rec["seed"], rec["left"], rec["seeded"], rec["next"] = seed, left, 1, next_
    rec["state"][0] = key
    if double_normal is not None:
        rec["normal_y"], rec["normal_is_valid"] = double_normal, 1
    if float_normal is not None:
        rec["float_normal"], rec["float_normal_valid"] = float_normal, 1
    return rec.view(np.uint8).copy()


def unpack(state):
    """Validate a state byte array like torch does and return its fields as a dict."""
    arr = _as_byte_array(state)
    if arr.size != STATE_SIZE:
        raise RuntimeError(f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found "
                           f"the input RNG state size to be {arr.size}")
    rec = np.ascontiguousarray(arr).view(_LAYOUT)[0]
    left, nxt = int(rec["left"]), int(rec["next"]) & 0xFFFFFFFF  # torch keeps next as uint32
    if not (rec["seeded"] != 0 and 0 < left <= 624 and nxt <= 624):
        raise RuntimeError("Invalid mt19937 state")
    return {
        "seed": int(rec["seed"]), "left": left, "next": nxt,
        "key": rec["state"].astype(np.uint32),   # torch copies u64 -> u32 (low words)
        "double_normal": float(rec["normal_y"]) if rec["normal_is_valid"] else None,
        "float_normal": np.float32(rec["float_normal"]) if rec["float_normal_valid"] else None,
    }


def _as_byte_array(state):
    # Accept our arrays, torch tensors (anything with .numpy()) and bytes alike.
    if hasattr(state, "numpy") and not isinstance(state, np.ndarray):
        state = state.numpy()
    if isinstance(state, (bytes, bytearray, memoryview)):
        return np.frombuffer(state, dtype=np.uint8)
    arr = np.asarray(state)
    if arr.dtype != np.uint8:
        raise TypeError("RNG state must be a torch.ByteTensor")
    return arr.reshape(-1)
