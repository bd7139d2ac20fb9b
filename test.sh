#!/usr/bin/env bash
# The test command: builds all modules and runs every test (GL tests under Xvfb when there is no display).
# Extra arguments go to Maven, e.g. ./test.sh -pl jme-plugin -Dtest=GaussianCloudTest
set -euo pipefail
cd "$(dirname "$0")"
export DJL_OFFLINE=true
exec scripts/headless mvn -B verify "$@"
