#!/usr/bin/env bash
# Trains the procedural-only model bundle from scratch, reproducibly (fixed seeds), and exports it into the assets
# module as assets/Models/gen3d-procedural (it was the default bundle until issue 25; scripts/train-art.sh continues it
# on game art into the default bundle). The shipped procedural bundle was trained before the datasets stored the
# service-prepared condition image; a rerun now conditions on it (docs/dataset.md, "The condition image"):
#   1. renders the procedural prop dataset (data/, ~2.4 GB, skipped when data/manifest.json exists),
#   2. trains the three networks (build/train/; resumable: re-run the same command after an interruption),
#   3. fine-tunes the reconstructor in stages, each starting from the one before (resumable too; docs/model.md):
#      build/finetune/     800 steps with the rendering loss at novel views,
#      build/finetune-t1/  400 more, half of them on the synergy sampler's own next-step input,
#      build/finetune-t2/  400 more, 3/4 of them on 1-3 guided sampler steps of its own,
#      build/finetune-t3/  400 more, all of them on 1-5 guided sampler steps of its own,
#      build/finetune-t4/  400 more, all of them on 1-8 guided sampler steps of its own,
#      build/finetune-t5/  400 more as t4, the 2D denoiser trained too (--denoiser-lr 2e-5),
#      build/finetune-t6/  800 more as t4, with the rendering loss at 2 target views too and the direct per-pixel
#                          losses at weight 0.1 (--target-views 2 --direct-weight 0.1),
#   4. exports TorchScript + bundle.json of the last stage to assets/Models/gen3d-procedural, recommending the synergy
#      refinement chosen on the validation split (3D render weight 1 at the noisiest step falling to 0 at the clean end)
#      and the guidance scale the stages were tuned at (3).
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
# stage OUT INIT [finetune.py options]: one fine-tune stage (a finished stage just reports itself done)
stage() {
  local out=$1 init=$2
  shift 2
  mkdir -p "$out"
  /usr/bin/python3 trainer/python/finetune.py --data data --init "$init" --out "$out" "$@" 2>&1 | tee -a "$out/finetune.log"
}
stage build/finetune build/train/last.pt
stage build/finetune-t1 build/finetune/last.pt --steps 400 --trajectory 0.5
stage build/finetune-t2 build/finetune-t1/last.pt --steps 400 --trajectory 0.75 --chain 3 --guidance 3
stage build/finetune-t3 build/finetune-t2/last.pt --steps 400 --trajectory 1 --chain 5 --guidance 3
stage build/finetune-t4 build/finetune-t3/last.pt --steps 400 --trajectory 1 --chain 8 --guidance 3
stage build/finetune-t5 build/finetune-t4/last.pt --steps 400 --trajectory 1 --chain 8 --guidance 3 --denoiser-lr 2e-5
stage build/finetune-t6 build/finetune-t5/last.pt --steps 800 --trajectory 0.5 --chain 8 --guidance 3 --target-views 2 \
  --direct-weight 0.1
/usr/bin/python3 trainer/python/export.py --run build/finetune-t6 --out assets/Models/gen3d-procedural \
  --name gen3d-procedural --refinement 1,0 --guidance 3
echo "train-default: this invocation took $(( ($(date +%s) - start) / 60 )) min; loss curves in build/train/loss.png and build/finetune*/finetune.png"
