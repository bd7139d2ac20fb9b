#!/usr/bin/env bash
# The run command: builds the project and runs the main job on the shipped default.
# Today (issue 2) the main job opens the shipped sample splat, renders it off screen and writes out/preview.png;
# the generator (later issues) takes this place. Arguments go to the splat viewer, e.g. ./run.sh path/to/file.spz
set -euo pipefail
cd "$(dirname "$0")"
export DJL_OFFLINE=true
mvn -B -q install -DskipTests
mkdir -p out
if [ $# -eq 0 ]; then set -- --screenshot out/preview.png; fi
exec scripts/headless mvn -B -q -pl sample-game exec:java -Dexec.args="$*"
