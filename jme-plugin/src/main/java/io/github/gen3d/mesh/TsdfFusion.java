package io.github.gen3d.mesh;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Projective TSDF fusion of depth maps into a {@link TsdfVolume}, multi-threaded over z-slices.
 *
 * <p>Per voxel {@code p} and per view, in view order: {@code c = R·(p − eye)} in the camera's RDF frame; skipped
 * unless {@code near ≤ c.z ≤ far}; pixel {@code (⌊fx·c.x/c.z + cx⌋, ⌊fy·c.y/c.z + cy⌋)} (nearest pixel whose cell
 * contains the projection; pixel centres at {@code i + 0.5}, row 0 at top); skipped outside the image. Then with the
 * pixel's depth {@code d} (along the view axis, like {@code c.z}):
 * <ul>
 *   <li>{@code d = +∞} (background seen through): the voxel is free space, observation {@code s = 1}. This carving
 *       is what removes floaters and closes the hull against the silhouettes; colour is not touched.</li>
 *   <li>{@code d} not a positive number: no information, skipped.</li>
 *   <li>otherwise {@code sdf = d − c.z}; skipped if {@code sdf < −trunc} (occluded, unknown), else
 *       {@code s = min(1, sdf / trunc)}; inside the band ({@code sdf ≤ trunc}) the pixel colour is averaged in.</li>
 * </ul>
 * The voxel keeps the running mean {@code tsdf ← (tsdf·w + s)/(w + 1), w ← w + 1}; colour keeps its own running mean
 * with a count that saturates at 255, rounded to bytes.
 *
 * <p>{@link TsdfReference} is the plain single-threaded version of the same rule; the two agree within rounding.
 */
public final class TsdfFusion {
    private static final Logger LOG = Logger.getLogger(TsdfFusion.class.getName());

    private TsdfFusion() {
    }

    /**
     * Fuses the views into the volume.
     *
     * @param volume the volume (not null; modified)
     * @param views the depth maps (not null, no null elements; unaffected)
     * @param threads worker threads (at least 1; more than the slice count is pointless)
     * @return voxel-view updates performed (observations fused)
     * @throws IllegalArgumentException on null input or a bad thread count
     */
    public static long integrate(TsdfVolume volume, List<DepthMap> views, int threads) {
        if (volume == null || views == null || views.contains(null)) {
            throw new IllegalArgumentException("volume and views (without nulls) are required");
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in 1..1024: " + threads);
        }
        DepthMap[] vs = views.toArray(new DepthMap[0]);
        int n = volume.n;
        AtomicInteger nextSlice = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong updates = new java.util.concurrent.atomic.AtomicLong();
        Runnable worker = () -> {
            double[] base = new double[3];
            long local = 0;
            for (int z = nextSlice.getAndIncrement(); z < n; z = nextSlice.getAndIncrement()) {
                local += slice(volume, vs, z, base);
            }
            updates.addAndGet(local);
        };
        int t = Math.min(threads, n);
        if (t == 1) {
            worker.run();
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(t, r -> {
                Thread th = new Thread(r, "gen3d-tsdf");
                th.setDaemon(true);
                return th;
            });
            try {
                Future<?>[] fs = new Future<?>[t];
                for (int i = 0; i < t; i++) {
                    fs[i] = pool.submit(worker);
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("TSDF fusion interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("TSDF fusion failed", e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("fused " + vs.length + " views into " + n + "³: " + updates.get() + " updates");
        }
        return updates.get();
    }

    /** Fuses all views into one z-slice; returns the number of updates. */
    private static long slice(TsdfVolume vol, DepthMap[] views, int z, double[] base) {
        int n = vol.n;
        double voxel = vol.voxel, trunc = vol.trunc;
        float[] tsdf = vol.tsdf, weight = vol.weight;
        byte[] rgb = vol.rgb, cw = vol.colourWeight;
        long count = 0;
        for (DepthMap v : views) {
            double[] r = v.rot;
            double dz = vol.oz + voxel * z - v.pz;
            int w = v.width, h = v.height;
            float[] depth = v.depth, col = v.rgb;
            for (int y = 0; y < n; y++) {
                double dy = vol.oy + voxel * y - v.py;
                for (int k = 0; k < 3; k++) {
                    base[k] = r[3 * k + 1] * dy + r[3 * k + 2] * dz;
                }
                int row = n * (y + n * z);
                double r0 = r[0], r3 = r[3], r6 = r[6], b0 = base[0], b1 = base[1], b2 = base[2];
                for (int x = 0; x < n; x++) {
                    double dx = vol.ox + voxel * x - v.px;
                    double cz = r6 * dx + b2;
                    if (!(cz >= v.near && cz <= v.far)) {
                        continue;
                    }
                    // one reciprocal instead of two divisions (the reference divides; parity holds to 1 ulp)
                    double inv = 1.0 / cz;
                    double u = v.fx * ((r0 * dx + b0) * inv) + v.cx;
                    double vv = v.fy * ((r3 * dx + b1) * inv) + v.cy;
                    if (!(u >= 0 && u < w && vv >= 0 && vv < h)) {
                        continue;
                    }
                    int pix = (int) vv * w + (int) u;
                    float d = depth[pix];
                    float s;
                    boolean band = false;
                    if (d == Float.POSITIVE_INFINITY) {
                        s = 1f;
                    } else if (!(d > 0)) {
                        continue;
                    } else {
                        double sdf = d - cz;
                        if (sdf < -trunc) {
                            continue;
                        }
                        band = sdf <= trunc;
                        s = band ? (float) (sdf / trunc) : 1f;
                    }
                    int i = row + x;
                    float wt = weight[i];
                    tsdf[i] = (tsdf[i] * wt + s) / (wt + 1f);
                    weight[i] = wt + 1f;
                    count++;
                    if (band && col != null) {
                        int c = cw[i] & 0xFF;
                        for (int k = 0; k < 3; k++) {
                            rgb[3 * i + k] = blend(rgb[3 * i + k], col[3 * pix + k], c);
                        }
                        cw[i] = (byte) Math.min(255, c + 1);
                    }
                }
            }
        }
        return count;
    }

    /** Running colour mean in bytes: {@code round((old·c + 255·clamp(x))/(c + 1))}. */
    static byte blend(byte old, float x, int c) {
        float v = x >= 0 ? (x <= 1 ? x : 1) : 0; // NaN → 0
        return (byte) Math.round(((old & 0xFF) * (float) c + 255f * v) / (c + 1));
    }
}
