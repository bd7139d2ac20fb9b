package io.github.gen3d.mesh;

import java.util.List;

/**
 * The plain single-threaded reference for {@link TsdfFusion}: the same projective rule (see there), written as
 * directly as possible (views outermost, the full camera transform per voxel), for parity tests.
 */
final class TsdfReference {
    private TsdfReference() {
    }

    static void integrate(TsdfVolume vol, List<DepthMap> views) {
        int n = vol.n;
        for (DepthMap v : views) {
            for (int z = 0; z < n; z++) {
                for (int y = 0; y < n; y++) {
                    for (int x = 0; x < n; x++) {
                        update(vol, v, x, y, z);
                    }
                }
            }
        }
    }

    private static void update(TsdfVolume vol, DepthMap v, int x, int y, int z) {
        double wx = vol.ox + vol.voxel * x, wy = vol.oy + vol.voxel * y, wz = vol.oz + vol.voxel * z;
        double dx = wx - v.px, dy = wy - v.py, dz = wz - v.pz;
        double[] r = v.rot;
        double cx = r[0] * dx + r[1] * dy + r[2] * dz;
        double cy = r[3] * dx + r[4] * dy + r[5] * dz;
        double cz = r[6] * dx + r[7] * dy + r[8] * dz;
        if (cz < v.near || cz > v.far) {
            return;
        }
        double u = v.fx * cx / cz + v.cx, vv = v.fy * cy / cz + v.cy;
        int i = (int) Math.floor(u), j = (int) Math.floor(vv);
        if (i < 0 || i >= v.width || j < 0 || j >= v.height) {
            return;
        }
        int pix = j * v.width + i;
        float d = v.depth[pix];
        float s;
        boolean band = false;
        if (Float.isInfinite(d) && d > 0) {
            s = 1f;
        } else if (Float.isNaN(d) || d <= 0) {
            return;
        } else {
            double sdf = d - cz;
            if (sdf < -vol.trunc) {
                return;
            }
            if (sdf <= vol.trunc) {
                band = true;
                s = (float) (sdf / vol.trunc);
            } else {
                s = 1f;
            }
        }
        int idx = x + vol.n * (y + vol.n * z);
        float w = vol.weight[idx];
        vol.tsdf[idx] = (vol.tsdf[idx] * w + s) / (w + 1f);
        vol.weight[idx] = w + 1f;
        if (band && v.rgb != null) {
            int c = vol.colourWeight[idx] & 0xFF;
            for (int k = 0; k < 3; k++) {
                vol.rgb[3 * idx + k] = TsdfFusion.blend(vol.rgb[3 * idx + k], v.rgb[3 * pix + k], c);
            }
            vol.colourWeight[idx] = (byte) Math.min(255, c + 1);
        }
    }
}
