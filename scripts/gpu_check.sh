#!/usr/bin/env bash
# The whole GPU check in one command, for a lent GPU machine (no installs: run from the repo root).
#   scripts/gpu_check.sh OUTDIR
# Writes 7 files to OUTDIR: the device, the GPU unit tests, the conformance logs and JSON records for
# torch and the reference on CUDA, and the GPU benchmark table. GPU_CHECK_DEEP=1 adds an 8th: the
# reference on CUDA again under the 'dev' Hypothesis profile (25 random examples a test, not 8 fixed).
set -uo pipefail
out=${1:?usage: scripts/gpu_check.sh OUTDIR}
mkdir -p "$out"
cd "$(dirname "$0")/.."
py=$(command -v python3 || command -v python)
export CI=true PYTHONUNBUFFERED=1
workers=${GPU_CHECK_WORKERS:-8}
status=0

{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  "$py" -c "import sys, torch, numpy; print(sys.version); print('torch', torch.__version__, 'numpy', numpy.__version__)"
  "$py" -c "import cupy; print('cupy', cupy.__version__)"; } > "$out/device.txt" 2>&1
cat "$out/device.txt"

"$py" -m pytest tests/reference/test_cuda.py tests/reference/test_printing.py::test_device_suffix_on_cuda \
    -p no:cacheprovider -q -n "$workers" -rs > "$out/tests-cuda.log" 2>&1 || status=1
tail -n 3 "$out/tests-cuda.log"

# conformance LOG IMPL [pytest options...]: one --device=cuda run, its log in OUTDIR, its verdict and failures shown
conformance() {
    local log=$1 impl=$2
    shift 2
    "$py" -m pytest conformance --impl="$impl" --device=cuda -n "$workers" -q -p no:cacheprovider "$@" \
        > "$out/$log" 2>&1 || status=1
    grep -E "^(counts|verdict)" "$out/$log"
    grep -E "^FAILED" "$out/$log" | cut -c1-160 | head -n 40
}

for impl in torch reference; do
    conformance "$impl-cuda.log" "$impl" --report-json="$out/$impl-cuda.json"
done
if [ -n "${GPU_CHECK_DEEP:-}" ]; then
    conformance reference-cuda-dev.log reference --hypothesis-profile=dev
fi
"$py" benchmarks/gpu_bench.py > "$out/gpu-bench.md" 2>&1 || status=1
cat "$out/gpu-bench.md"
exit $status
