#!/usr/bin/env bash
# The run command: builds the project and runs the main job on the shipped default model: generates a 3D prop from
# the sample picture assets/Samples/barrel.png and writes out/barrel.spz (Gaussian splats), out/barrel.glb (mesh),
# out/barrel.json (metadata that regenerates it) and the preview out/barrel-turntable.png. Headless; no GPU needed.
# Arguments replace the default ones and go to the gen3d command line (./run.sh --help lists them), e.g.
#   ./run.sh my-picture.png --kind mesh --format glb,j3o --out assets/Models/Generated
#   ./run.sh --category lamp --count 4 --seed 10
set -euo pipefail
cd "$(dirname "$0")"
export DJL_OFFLINE=true
# only gen3d's own lines reach the terminal: -q, and no ANSI escapes from Maven (.mvn/jvm.config: jansi.noreset)
mvn -B -q install -DskipTests
if [ $# -eq 0 ]; then set -- assets/Samples/barrel.png --name barrel --kind both --out out; fi
exec mvn -B -q -pl cli exec:java -Dexec.args="$*"
