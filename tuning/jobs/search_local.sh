#!/bin/bash
# A distributed search on one machine: keras-tuner's chief plus one worker per GPU (each worker
# sees one GPU), or WORKERS workers sharing the CPU.
#
#   bash tuning/jobs/search_local.sh thesis runs/tuning/thesis      # one worker per visible GPU
#   WORKERS=2 bash tuning/jobs/search_local.sh demo runs/tuning/demo
# PORT (8000) is the oracle's port, PYTHON (python) the interpreter with the package installed.
set -euo pipefail
CONFIG=${1:-demo}
DIR=${2:-runs/tuning/${CONFIG}}
PYTHON=${PYTHON:-python}
GPUS=$(nvidia-smi --list-gpus 2>/dev/null | wc -l || true)
WORKERS=${WORKERS:-$(( GPUS > 0 ? GPUS : 1 ))}
export KERASTUNER_ORACLE_IP=127.0.0.1 KERASTUNER_ORACLE_PORT=${PORT:-8000}
KERASTUNER_TUNER_ID=chief "${PYTHON}" -m tuning.search --config "${CONFIG}" --out "${DIR}" &
processes=($!)
for ((worker = 0; worker < WORKERS; worker++)); do
  if (( GPUS > 0 )); then export CUDA_VISIBLE_DEVICES=$(( worker % GPUS )); fi
  KERASTUNER_TUNER_ID="tuner${worker}" "${PYTHON}" -m tuning.search --config "${CONFIG}" --out "${DIR}" &
  processes+=($!)
done
status=0
for process in "${processes[@]}"; do wait "${process}" || status=1; done
exit "${status}"
