#!/usr/bin/env bash
# Evaluates a bundle (default: the shipped default) on the game-art test split (issue 25; docs/model.md,
# docs/evaluation.md): the first 100 test assets of 0 A.D.'s art as ArtDatasetTool splits it, each generated from its
# input picture prepared as the service prepares a user's (InputImages), scored at 16 novel views (8 level, 8 at 25°)
# and by its extracted mesh, for synergy, the two ablations and the input-repeated and all-white baselines. Writes
# build/eval-art/{results.csv,table.md,grid.png}. Needs the unpacked art (build/0ad/art: scripts/train-art.sh fetches
# it, or set GEN3D_ART). GEN3D_BUNDLE picks another bundle and GEN3D_OUT another output folder; extra arguments go to
# EvaluateTool (e.g. GEN3D_BUNDLE=assets/Models/gen3d-procedural GEN3D_OUT=build/eval-art-procedural
# scripts/evaluate-art.sh --modes synergy).
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
art=${GEN3D_ART:-build/0ad/art}
bundle=${GEN3D_BUNDLE:-assets/Models/gen3d-default}
out=${GEN3D_OUT:-build/eval-art}
[ -d "$art/actors" ] || { echo "evaluate-art: no 0 A.D. art at $art (run scripts/train-art.sh once, or set GEN3D_ART)" >&2; exit 1; }
mvn -B -q -pl trainer -am install -DskipTests
mvn -B -q -pl trainer exec:java -Dexec.mainClass=io.github.gen3d.trainer.EvaluateTool \
  -Dexec.args="--bundle $bundle --art $art --props 100 --out $out $*"
