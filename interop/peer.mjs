// The peer tools of the interoperability tests (docs/formats.md), behind one small command line so that the Java
// tests run them as plain processes:
//   node peer.mjs validate FILE.glb              the Khronos glTF validator's report, as JSON on stdout
//   node peer.mjs spz-read FILE.spz OUT.json     spz-js loadSpz: the unpacked cloud as JSON
//   node peer.mjs spz-write IN.json OUT.spz      spz-js serializeSpz of a cloud given as JSON
//   node peer.mjs versions                       the pinned tools' versions, as JSON
// splat-transform is run through its own command line (node_modules/@playcanvas/splat-transform/bin/cli.mjs).
// Cloud JSON (spz-js's GaussianCloud): numPoints, shDegree, antialiased, positions (x y z), scales (natural log),
// rotations (x y z w), alphas (logit), colors (SH DC), sh (per point, coefficient-major, rgb inner).
import { readFileSync, writeFileSync } from 'fs';
import { createRequire } from 'module';
import { loadSpz, serializeSpz } from 'spz-js';

const require = createRequire(import.meta.url);
const [cmd, a, b] = process.argv.slice(2);
const floats = (x) => Array.from(x);

if (cmd === 'validate') {
  const validator = require('gltf-validator');
  const report = await validator.validateBytes(new Uint8Array(readFileSync(a)), { maxIssues: 200 });
  process.stdout.write(JSON.stringify(report));
} else if (cmd === 'spz-read') {
  const g = await loadSpz(new Uint8Array(readFileSync(a)));
  writeFileSync(b, JSON.stringify({
    numPoints: g.numPoints, shDegree: g.shDegree, antialiased: g.antialiased, positions: floats(g.positions),
    scales: floats(g.scales), rotations: floats(g.rotations), alphas: floats(g.alphas), colors: floats(g.colors),
    sh: floats(g.sh),
  }));
} else if (cmd === 'spz-write') {
  const j = JSON.parse(readFileSync(a, 'utf8'));
  const g = {
    numPoints: j.numPoints, shDegree: j.shDegree, antialiased: j.antialiased,
    positions: Float32Array.from(j.positions), scales: Float32Array.from(j.scales),
    rotations: Float32Array.from(j.rotations), alphas: Float32Array.from(j.alphas),
    colors: Float32Array.from(j.colors), sh: Float32Array.from(j.sh),
  };
  writeFileSync(b, Buffer.from(await serializeSpz(g)));
} else if (cmd === 'versions') {
  const v = (p) => JSON.parse(readFileSync(new URL(`./node_modules/${p}/package.json`, import.meta.url))).version;
  process.stdout.write(JSON.stringify({
    node: process.version, 'splat-transform': v('@playcanvas/splat-transform'), 'spz-js': v('spz-js'),
    'gltf-validator': v('gltf-validator'),
  }));
} else {
  process.stderr.write('usage: peer.mjs validate|spz-read|spz-write|versions ...\n');
  process.exit(2);
}
