#!/usr/bin/env bash
# Trains the default model bundle from scratch, reproducibly (fixed seeds), and exports it into the assets module:
#   1. renders the procedural prop dataset (data/, ~2.4 GB, skipped when data/manifest.json exists),
#   2. trains the three networks (build/train/; resumable: re-run the same command after an interruption),
#   3. exports TorchScript + bundle.json to assets/Models/gen3d-default.
# Needs /usr/bin/python3 with Debian's python3-torch, python3-numpy and python3-matplotlib. docs/model.md.
# Extra arguments go to train.py (e.g. --steps 2000 --threads 2; the shipped bundle used the defaults).
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
if [ ! -f data/manifest.json ]; then
  mvn -B -q -pl trainer -am install -DskipTests
  mvn -B -q -pl trainer exec:java -Dexec.mainClass=io.github.gen3d.trainer.DatasetTool \
    -Dexec.args="--out data --preview data/preview.png"
fi
mkdir -p build/train
start=$(date +%s)
/usr/bin/python3 trainer/python/train.py --data data --out build/train "$@" 2>&1 | tee -a build/train/train.log
/usr/bin/python3 trainer/python/export.py --run build/train --out assets/Models/gen3d-default
echo "train-default: this invocation took $(( ($(date +%s) - start) / 60 )) min; loss curves in build/train/loss.png"
