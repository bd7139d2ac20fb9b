#!/usr/bin/env bash
# Continues the default model on real game art (issue 25), reproducibly (fixed seeds) and resumably: every step skips
# what is already done, every training stage resumes from its last checkpoint when the command is re-run.
#   1. fetches Debian's 0ad-data (1.4 GB, CC-BY-SA 3.0) with apt-get download into build/0ad and unpacks its art
#      (actors, variants, meshes, materials, texture skins; ~1.5 GB) when build/0ad/art is missing,
#   2. renders the game-art dataset (data-art/, ~3,550 assets, all three splits) and the procedural dataset (data/)
#      with the service-prepared condition images (docs/dataset.md, "Game art" and "The condition image"),
#   3. stage A (build/art-2d): the multi-view denoiser and the front end, from the shipped procedural bundle
#      (assets/Models/gen3d-procedural), on half game art, half procedural props, conditioned on the prepared images,
#   4. stage B (build/art-3d): the reconstructor fine-tuned from stage A on the same mixture with the rendering loss at
#      novel and target views and on the sampler's own trajectory (the recipe of the procedural bundle's stage 7),
#   5. exports stage B's bundle to build/gen3d-art-b,
#   6. stage C (build/art-2d-c): the denoiser alone, 9,000 more steps with game art weighted 0.7, from that bundle,
#   7. stage D (build/art-3d-d): the reconstructor fine-tuned again on the new denoiser's trajectory,
#   8. exports the bundle to build/gen3d-art (copy it to assets/Models/gen3d-default to ship it; docs/model.md).
# Needs JDK 17 + Maven, apt-get (network for step 1 only), /usr/bin/python3 with Debian's python3-torch, -numpy,
# -matplotlib. Extra arguments go to both training stages (e.g. --threads 2). Stage A uses a CUDA GPU when PyTorch sees
# one (train.py --device auto); stage B runs on the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
base=${GEN3D_BASE_BUNDLE:-assets/Models/gen3d-procedural}
start=$(date +%s)
if [ ! -d build/0ad/art/actors ]; then
  mkdir -p build/0ad
  (cd build/0ad && apt-get download 0ad-data)
  dpkg-deb --fsys-tarfile build/0ad/0ad-data_*.deb | tar -x -C build/0ad ./usr/share/games/0ad/mods/public/public.zip
  unzip -q -o build/0ad/usr/share/games/0ad/mods/public/public.zip 'art/actors/*' 'art/variants/*' 'art/meshes/*' \
    'art/materials/*' 'art/textures/skins/*' -d build/0ad
  rm -f build/0ad/0ad-data_*.deb build/0ad/usr/share/games/0ad/mods/public/public.zip
fi
mvn -B -q -pl trainer -am install -DskipTests
run_java() { mvn -B -q -pl trainer exec:java -Dexec.mainClass="$1" -Dexec.args="$2"; }
if [ ! -f data-art/manifest.json ]; then
  run_java io.github.gen3d.trainer.ArtDatasetTool "--art build/0ad/art --out data-art --preview data-art/preview.png"
fi
if [ ! -f data/manifest.json ] || ! grep -q '"cond"' data/manifest.json; then
  rm -rf data
  run_java io.github.gen3d.trainer.DatasetTool "--out data --preview data/preview.png"
fi
mkdir -p build/art-2d build/art-3d
/usr/bin/python3 trainer/python/train.py --data data --art-data data-art --art-weight 0.5 --init-bundle "$base" \
  --only denoiser,frontend --steps 2000 --lr 1e-4 --val-every 500 --ckpt-every 100 --out build/art-2d "$@" \
  2>&1 | tee -a build/art-2d/train.log
/usr/bin/python3 trainer/python/finetune.py --data data --art-data data-art --art-weight 0.5 \
  --init build/art-2d/last.pt --out build/art-3d --steps 500 --trajectory 0.5 --chain 8 --guidance 3 \
  --target-views 2 --direct-weight 0.1 --val-every 100 "$@" 2>&1 | tee -a build/art-3d/finetune.log
/usr/bin/python3 trainer/python/export.py --run build/art-3d --out build/gen3d-art-b --name gen3d-default --refinement 1,0 \
  --guidance 3
# 6./7. the second round (session of 2026-12-08): the denoiser alone, 9,000 more steps with game art weighted 0.7 (its
#    validation loss was still falling at the end of stage A), started from stage B's bundle; then the reconstructor
#    fine-tuned again on the new denoiser's trajectory
mkdir -p build/art-2d-c build/art-3d-d
/usr/bin/python3 trainer/python/train.py --data data --art-data data-art --art-weight 0.7 --init-bundle build/gen3d-art-b \
  --only denoiser --steps 9000 --lr 2e-4 --val-every 1500 --ckpt-every 100 --out build/art-2d-c "$@" \
  2>&1 | tee -a build/art-2d-c/train.log
/usr/bin/python3 trainer/python/finetune.py --data data --art-data data-art --art-weight 0.7 \
  --init build/art-2d-c/last.pt --out build/art-3d-d --steps 500 --trajectory 0.5 --chain 8 --guidance 3 \
  --target-views 2 --direct-weight 0.1 --val-every 100 "$@" 2>&1 | tee -a build/art-3d-d/finetune.log
/usr/bin/python3 trainer/python/export.py --run build/art-3d-d --out build/gen3d-art --name gen3d-default \
  --refinement 1,0 --guidance 3
echo "train-art: this invocation took $(( ($(date +%s) - start) / 60 )) min"
