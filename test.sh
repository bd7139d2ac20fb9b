#!/usr/bin/env bash
# The test command: builds all modules and runs every test (GL tests under Xvfb when there is no display), then the
# training code's tests (trainer/python/test_pipeline.py and test_splat_render.py; they need Debian's python3-torch,
# python3-numpy and python3-matplotlib for /usr/bin/python3; .ci/run installs them).
# Extra arguments go to Maven only (and skip the python tests), e.g. ./test.sh -pl jme-plugin -Dtest=GaussianCloudTest
set -euo pipefail
cd "$(dirname "$0")"
export DJL_OFFLINE=true
# the interoperability tests run real peer tools (splat-transform, spz-js, the Khronos glTF validator; docs/formats.md),
# pinned by interop/package-lock.json; npm ci installs them once (and again when the lock file changes)
if [ ! -f interop/node_modules/.package-lock.json ] || [ interop/package-lock.json -nt interop/node_modules/.package-lock.json ]; then
  command -v npm >/dev/null || { echo "test.sh: the interoperability tests need npm: sudo apt-get install nodejs npm" >&2; exit 1; }
  (cd interop && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
scripts/headless mvn -B verify "$@"
if [ $# -eq 0 ]; then
  if ! /usr/bin/python3 -c "import torch, numpy, matplotlib" 2>/dev/null; then
    echo "test.sh: the training tests need /usr/bin/python3 with torch, numpy and matplotlib:" >&2
    echo "  sudo apt-get install python3-torch python3-numpy python3-matplotlib" >&2
    exit 1
  fi
  /usr/bin/python3 trainer/python/test_pipeline.py
  /usr/bin/python3 trainer/python/test_splat_render.py
fi
