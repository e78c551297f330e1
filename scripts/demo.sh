#!/bin/sh
# The CPU demo on built-in data: train, write 256 synthetic samples, evaluate them.
# `make demo` and the Docker image's default command both run this script.
#   PYTHON  the interpreter with the package installed (default: python)
#   OUT     the run folder (default: runs/calciumgan/demo)
set -eu
PYTHON="${PYTHON:-python}"
OUT="${OUT:-runs/calciumgan/demo}"
"$PYTHON" -m calciumgan.train --config demo --out "$OUT"
"$PYTHON" -m calciumgan.generate --run "$OUT" --num-samples 256 --out "$OUT/samples.h5" --overwrite
"$PYTHON" -m calciumgan.evaluate --run "$OUT"
