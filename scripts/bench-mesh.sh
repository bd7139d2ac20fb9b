#!/usr/bin/env bash
# Mesh benchmark, ours vs Open3D 0.16 and scikit-image on the same depth maps and volume, in one run.
# Needs Debian's python3-open3d and python3-skimage (apt-get install python3-open3d python3-skimage).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests
mvn -B -o -pl jme-plugin -Pbench test-compile exec:exec -Dbench.args='MeshBench -f 1 -wi 2 -i 3 -w 3 -r 5'
/usr/bin/python3 jme-plugin/src/test/python/tsdf_open3d.py jme-plugin/target/mesh-bench 3
