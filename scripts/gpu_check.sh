#!/usr/bin/env bash
# The whole GPU check in one command, for a lent GPU machine (no installs: run from the repo root).
#   scripts/gpu_check.sh OUTDIR
# Writes at most 8 files to OUTDIR: the device, the conformance logs and JSON records for torch and
# the reference on CUDA, and the GPU benchmark table.
set -uo pipefail
out=${1:?usage: scripts/gpu_check.sh OUTDIR}
mkdir -p "$out"
cd "$(dirname "$0")/.."
export CI=true PYTHONUNBUFFERED=1
status=0

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/device.txt" 2>&1
python -c "import sys, torch, numpy; print(sys.version); print('torch', torch.__version__, 'numpy', numpy.__version__)" >> "$out/device.txt" 2>&1
python -c "import cupy; print('cupy', cupy.__version__)" >> "$out/device.txt" 2>&1

for impl in torch reference; do
    python -m pytest conformance --impl=$impl --device=cuda -n 4 -q -p no:cacheprovider \
        --report-json="$out/$impl-cuda.json" > "$out/$impl-cuda.log" 2>&1 || status=1
    tail -n 3 "$out/$impl-cuda.log"
done
python benchmarks/gpu_bench.py > "$out/gpu-bench.md" 2>&1 || status=1
cat "$out/gpu-bench.md"
exit $status
