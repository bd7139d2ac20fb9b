#!/usr/bin/env bash
# Evaluates the shipped default bundle on the test split (docs/model.md, docs/evaluation.md): novel-view PSNR
# (whole and object-masked) and SSIM over 16 views, Chamfer distance and F-score of the extracted mesh, seconds per
# asset, for full synergy and the two ablations. Writes build/eval/{results.csv,table.md,grid.png} (and, with
# --save-grid-assets, the grid props' Gaussians as build/eval/assets/*.spz).
# Extra arguments go to EvaluateTool (e.g. --props 100 --steps 50 --guidance 3).
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
mvn -B -q -pl trainer -am install -DskipTests
mvn -B -q -pl trainer exec:java -Dexec.mainClass=io.github.gen3d.trainer.EvaluateTool \
  -Dexec.args="--bundle assets/Models/gen3d-default --out build/eval $*"
