package io.github.gen3d.mesh;

import java.util.Arrays;

/**
 * A dense cubic truncated-signed-distance volume with per-voxel weight and colour.
 *
 * <p>Layout: {@code n³} samples; sample {@code (x, y, z)} sits at {@code origin + voxel·(x, y, z)} and is stored at
 * {@code x + n·(y + n·z)}. Per sample: {@code tsdf} (float, the signed distance divided by the truncation distance,
 * in [−1, 1], negative inside; starts at 1), {@code weight} (float, number of fused observations; 0 = never seen),
 * {@code rgb} (3 bytes, linear 0..255 running average) and a colour weight (1 byte, saturates at 255).
 *
 * <p>Memory budget: {@value #BYTES_PER_VOXEL} bytes per voxel: 256³ ≈ 201 MB, 400³ ≈ 768 MB. Resolutions above
 * {@value #MAX_RESOLUTION} or needing more than 90% of the free heap are refused with an
 * {@link IllegalArgumentException} before anything is allocated.
 *
 * <p>Not thread-safe; fusion writes disjoint z-slices from several threads.
 */
public final class TsdfVolume {
    /** Bytes per voxel: tsdf float, weight float, RGB bytes, colour-weight byte. */
    public static final int BYTES_PER_VOXEL = 12;
    /** Highest accepted resolution. */
    public static final int MAX_RESOLUTION = 1024;
    /** Lowest accepted resolution. */
    public static final int MIN_RESOLUTION = 4;

    final int n;
    final double ox, oy, oz, voxel, trunc;
    final float[] tsdf;
    final float[] weight;
    final byte[] rgb;
    final byte[] colourWeight;

    /**
     * Allocates an empty volume (tsdf 1, weight 0) after checking the memory budget.
     *
     * @param origin world position of sample (0,0,0) (not null, length 3, finite; unaffected)
     * @param size edge length of the cube from the first to the last sample (positive, finite)
     * @param resolution samples per axis, in [{@value #MIN_RESOLUTION}, {@value #MAX_RESOLUTION}]
     * @param truncationVoxels truncation distance in voxels (in [1, 100])
     * @throws IllegalArgumentException on bad arguments or if the volume would not fit in the heap
     */
    public TsdfVolume(float[] origin, float size, int resolution, float truncationVoxels) {
        checkBudget(resolution);
        if (origin == null || origin.length != 3 || !Float.isFinite(origin[0]) || !Float.isFinite(origin[1])
                || !Float.isFinite(origin[2])) {
            throw new IllegalArgumentException("origin must be 3 finite numbers");
        }
        if (!(size > 0) || !Float.isFinite(size)) {
            throw new IllegalArgumentException("volume size must be positive and finite: " + size);
        }
        if (!(truncationVoxels >= 1 && truncationVoxels <= 100)) {
            throw new IllegalArgumentException("truncation must be in [1, 100] voxels: " + truncationVoxels);
        }
        n = resolution;
        ox = origin[0];
        oy = origin[1];
        oz = origin[2];
        voxel = (double) size / (n - 1);
        trunc = truncationVoxels * voxel;
        int count = n * n * n;
        tsdf = new float[count];
        Arrays.fill(tsdf, 1f);
        weight = new float[count];
        rgb = new byte[3 * count];
        colourWeight = new byte[count];
    }

    /**
     * Checks that a volume of this resolution is allowed and fits in the heap, without allocating it.
     *
     * @param resolution samples per axis
     * @throws IllegalArgumentException with the needed and available memory if not
     */
    public static void checkBudget(int resolution) {
        if (resolution < MIN_RESOLUTION || resolution > MAX_RESOLUTION) {
            throw new IllegalArgumentException("TSDF resolution " + resolution + " is outside ["
                    + MIN_RESOLUTION + ", " + MAX_RESOLUTION + "] (" + resolution + "³ voxels would need "
                    + mb(bytesFor(resolution)) + " MB)");
        }
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        long need = bytesFor(resolution);
        if (need > free / 10 * 9) {
            throw new IllegalArgumentException("TSDF resolution " + resolution + "³ needs " + mb(need)
                    + " MB but only " + mb(free) + " MB of heap is free; lower the resolution or raise -Xmx");
        }
    }

    /**
     * @param resolution samples per axis (any value; not checked)
     * @return bytes a volume of that resolution needs
     */
    public static long bytesFor(int resolution) {
        long r = Math.max(0, resolution);
        return r * r * r * BYTES_PER_VOXEL;
    }

    private static long mb(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    /** @return samples per axis */
    public int resolution() {
        return n;
    }

    /** @return spacing between samples in world units */
    public float voxelSize() {
        return (float) voxel;
    }

    /** @return truncation distance in world units */
    public float truncation() {
        return (float) trunc;
    }

    /** @return a new array with the world position of sample (0,0,0) */
    public float[] origin() {
        return new float[] {(float) ox, (float) oy, (float) oz};
    }

    /** @return normalised signed distances (live array: not null; read-only for callers) */
    public float[] tsdf() {
        return tsdf;
    }

    /** @return per-voxel weights, 0 = unobserved (live array: not null; read-only for callers) */
    public float[] weights() {
        return weight;
    }

    /** @return per-voxel linear RGB bytes (live array: not null; read-only for callers) */
    public byte[] colours() {
        return rgb;
    }

    /**
     * Extracts the zero level set with {@link MarchingCubes}, skipping unobserved voxels, with vertex colours.
     *
     * @return a new mesh (not null, possibly empty)
     */
    public TriangleMesh extractMesh() {
        return MarchingCubes.extractBytes(tsdf, weight, rgb, n, n, n, origin(), (float) voxel);
    }
}
