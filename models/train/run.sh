#!/bin/sh
# `npm run train`: train the six zoo variants (models/train/train.py, torch, one thread), write the
# loss table, curves and plot (report.py), then rebuild the ONNX files from the new weights.
# Arguments go to train.py (e.g. --variants pre-ln,post-ln). PYTHON picks the interpreter.
set -e
cd "$(dirname "$0")/../.."
py=""
for c in "${PYTHON:-}" python3 /usr/bin/python3; do
	if [ -n "$c" ] && "$c" -c 'import torch, numpy' 2>/dev/null; then py="$c"; break; fi
done
if [ -z "$py" ]; then
	echo "npm run train needs torch: apt-get install python3-torch python3-numpy python3-matplotlib golang-1.19-src" >&2
	exit 2
fi
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in the tree
OMP_NUM_THREADS=1 "$py" models/train/train.py "$@"
"$py" models/train/report.py
npx tsx models/generate.ts
