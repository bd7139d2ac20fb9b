package io.github.gen3d.splat;

/**
 * Test-scope bridge that lets {@code io.github.gen3d.bench.SortBench} time the package-private sort code. Each
 * method reuses the scratch allocated in the constructor.
 */
public final class SplatSortBenchAccess {
    private final float[] positions;
    private final int n;
    private final DepthSort sort;
    private final float[] depths;
    private final int[] order;
    private final long[] packed;

    /**
     * @param positions centres, 3 per splat (not null, kept)
     * @param n splats
     */
    public SplatSortBenchAccess(float[] positions, int n) {
        this.positions = positions;
        this.n = n;
        this.sort = new DepthSort(n);
        this.depths = new float[n];
        this.order = new int[n];
        this.packed = new long[n];
    }

    /**
     * @param dx view direction x
     * @param dy y
     * @param dz z
     * @return a new array of depths along the direction
     */
    public float[] depthsAlong(float dx, float dy, float dz) {
        float[] d = new float[n];
        SplatSorter.computeDepths(positions, n, dx, dy, dz, d);
        return d;
    }

    /**
     * @param d depths (not null, unaffected)
     * @return the order (internal array)
     */
    public int[] radix(float[] d) {
        sort.sortDescending(d, n, order);
        return order;
    }

    /**
     * @param d depths (not null, unaffected)
     * @return the order (internal array)
     */
    public int[] packedLong(float[] d) {
        DepthSort.packedLongSortDescending(d, n, packed, order);
        return order;
    }

    /**
     * @param dx view direction x
     * @param dy y
     * @param dz z
     * @return the order (internal array)
     */
    public int[] depthsAndRadix(float dx, float dy, float dz) {
        SplatSorter.computeDepths(positions, n, dx, dy, dz, depths);
        sort.sortDescending(depths, n, order);
        return order;
    }

    /**
     * The group sorter's job: depths of several concatenated members along their planes, then the radix sort.
     *
     * @param starts member boundaries (not null, unaffected; last = n)
     * @param planes 4 floats per member (not null, unaffected)
     * @return the order (internal array)
     */
    public int[] groupDepthsAndRadix(int[] starts, float[] planes) {
        SplatSorter.computeDepths(positions, starts, planes, depths);
        sort.sortDescending(depths, n, order);
        return order;
    }

    /**
     * What a group repack spends on the CPU: both concatenated data textures of several clouds.
     *
     * @param clouds the members' clouds (not null, unaffected)
     * @param degree SH degree packed
     * @return the two textures' images' total bytes
     */
    public static long packGroupTextures(java.util.List<GaussianCloud> clouds, int degree) {
        return SplatData.geometryTexture(clouds).getImage().getData(0).capacity()
                + (long) SplatData.shTexture(clouds, degree).getImage().getData(0).capacity();
    }
}
