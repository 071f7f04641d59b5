"""torch's CPU engine: a plain MT19937 with torch's (left, next) bookkeeping.

The 32-bit stream of a seeded torch generator equals NumPy's legacy MT19937, so the
bulk work runs in NumPy's C bit generator; this class only keeps torch's counters so
the state can round-trip through torch's 5056-byte layout.
"""
import numpy as np

N = 624


def init_genrand(seed32):
    """The MT19937 key array torch builds from the low 32 bits of a seed."""
    key = [0] * N
    key[0] = seed32 & 0xFFFFFFFF
    for j in range(1, N):
        prev = key[j - 1]
        key[j] = (1812433253 * (prev ^ (prev >> 30)) + j) & 0xFFFFFFFF
    return np.array(key, dtype=np.uint32)


def temper(y):
    y = np.asarray(y, dtype=np.uint32)
    y = y ^ (y >> np.uint32(11))
    y = y ^ ((y << np.uint32(7)) & np.uint32(0x9D2C5680))
    y = y ^ ((y << np.uint32(15)) & np.uint32(0xEFC60000))
    return y ^ (y >> np.uint32(18))


class MT19937:
    """Engine state: seed, key array and torch's position counters."""

    def __init__(self, seed=5489):
        self._bits = np.random.MT19937()
        self.reseed(seed)

    def reseed(self, seed):
        seed &= 0xFFFFFFFFFFFFFFFF
        self.set_data(seed, left=1, next_=0, key=init_genrand(seed))

    def set_data(self, seed, left, next_, key):
        """Load torch's mt19937_data_pod fields (already validated)."""
        self.seed = seed
        self._key = np.array(key, dtype=np.uint32)
        # torch reads key[next] .. while left counts down, then twists the whole key.
        # A consistent state (left + next == 625) is exactly NumPy's `pos = next`;
        # anything else is replayed from a short queue of pending outputs first.
        if left + next_ == N + 1 and left > 1:
            pos, pending = next_, np.empty(0, np.uint32)
        else:
            pos, pending = N, temper(self._key[next_:next_ + left - 1])
        self._pending = pending
        self._pending_next = next_
        # Once NumPy's generator holds the truth, its `pos` is torch's `next`.
        self._in_bits = len(pending) == 0 and pos < N
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": self._key, "pos": pos}}

    def data(self):
        """(seed, left, next, key) exactly as torch would report them."""
        if not self._in_bits:
            return self.seed, len(self._pending) + 1, self._pending_next, self._key
        st = self._bits.state["state"]
        pos = int(st["pos"])
        return self.seed, N + 1 - pos, pos, st["key"].astype(np.uint32)

    def random32(self, count):
        """Next `count` 32-bit outputs, held in a uint64 array (NumPy's native width)."""
        take = min(count, len(self._pending))
        if take == 0:
            if count:
                self._in_bits = True
            return self._bits.random_raw(count)
        out = np.empty(count, dtype=np.uint64)
        out[:take] = self._pending[:take]
        self._pending = self._pending[take:]
        self._pending_next += take
        if count > take:
            out[take:] = self._bits.random_raw(count - take)
            self._in_bits = True
        return out

    def random64(self, count, mask=None):
        """Next `count` 64-bit outputs: two 32-bit draws, the first is the high word.

        `mask`, when given, is applied to the high word before combining (cheaper than
        masking the 64-bit result).
        """
        w = self.random32(2 * count)
        hi = w[0::2]
        if mask is not None:
            hi &= np.uint64(mask >> 32)
        hi <<= np.uint64(32)
        hi |= w[1::2]
        return hi
