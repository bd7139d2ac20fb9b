package io.github.gen3d.trainer.eval;

/**
 * Exact nearest-neighbour distances to a fixed point set through a uniform grid of cubic cells (about
 * {@link #CELLS_PER_POINT} cells per point, fewer along flat axes). A query visits Chebyshev rings of cells around
 * the cell of the (clamped) query point and stops once the best distance found is no larger than a lower bound on
 * the distance to every unvisited cell, so the answer equals the brute-force minimum ({@link #bruteForce}).
 */
final class NearestNeighbourGrid {
    /** Target number of grid cells per indexed point. */
    static final int CELLS_PER_POINT = 2;
    private static final int MAX_CELLS = 1 << 24;

    private final float[] points;
    private final double[] lo = new double[3];
    private final int[] dims = new int[3];
    private final double cell;
    /** cellStart[c] .. cellStart[c + 1] index into {@link #order} for cell c. */
    private final int[] cellStart;
    private final int[] order;

    /**
     * Indexes a point set.
     *
     * @param points xyz per point (not null, at least one point; held, not copied)
     */
    NearestNeighbourGrid(float[] points) {
        int n = points.length / 3;
        if (n == 0) {
            throw new IllegalArgumentException("cannot index an empty point set");
        }
        this.points = points;
        double[] hi = new double[3];
        for (int a = 0; a < 3; a++) {
            lo[a] = Double.POSITIVE_INFINITY;
            hi[a] = Double.NEGATIVE_INFINITY;
        }
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < 3; a++) {
                lo[a] = Math.min(lo[a], points[3 * i + a]);
                hi[a] = Math.max(hi[a], points[3 * i + a]);
            }
        }
        double[] ext = {hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]};
        double longest = Math.max(ext[0], Math.max(ext[1], ext[2]));
        long target = Math.min(MAX_CELLS, (long) CELLS_PER_POINT * n);
        double s = longest > 0 ? longest : 1;
        // shrink the cell until the grid has about `target` cells (flat axes keep one cell)
        while (longest > 0) {
            double next = s / 1.25;
            if (cellCount(ext, next) > target) {
                break;
            }
            s = next;
        }
        cell = s;
        for (int a = 0; a < 3; a++) {
            dims[a] = Math.max(1, (int) Math.ceil(ext[a] / s));
        }
        int cells = dims[0] * dims[1] * dims[2];
        cellStart = new int[cells + 1];
        int[] cellOf = new int[n];
        for (int i = 0; i < n; i++) {
            int c = cellIndex(points[3 * i], points[3 * i + 1], points[3 * i + 2]);
            cellOf[i] = c;
            cellStart[c + 1]++;
        }
        for (int c = 0; c < cells; c++) {
            cellStart[c + 1] += cellStart[c];
        }
        order = new int[n];
        int[] fill = cellStart.clone();
        for (int i = 0; i < n; i++) {
            order[fill[cellOf[i]]++] = i;
        }
    }

    private static long cellCount(double[] ext, double s) {
        long count = 1;
        for (int a = 0; a < 3; a++) {
            count *= Math.max(1, (long) Math.ceil(ext[a] / s));
            if (count > MAX_CELLS) {
                return Long.MAX_VALUE;
            }
        }
        return count;
    }

    private int axisCell(double v, int a) {
        int c = (int) Math.floor((v - lo[a]) / cell);
        return Math.max(0, Math.min(dims[a] - 1, c));
    }

    private int cellIndex(double x, double y, double z) {
        return (axisCell(z, 2) * dims[1] + axisCell(y, 1)) * dims[0] + axisCell(x, 0);
    }

    /**
     * Euclidean distance from a query point to the nearest indexed point.
     *
     * @return the exact minimum distance (at least 0)
     */
    double nearestDistance(double qx, double qy, double qz) {
        double[] q = {qx, qy, qz};
        int[] c = {axisCell(qx, 0), axisCell(qy, 1), axisCell(qz, 2)};
        double best = Double.POSITIVE_INFINITY;
        int maxRing = Math.max(dims[0], Math.max(dims[1], dims[2]));
        for (int k = 0; k <= maxRing; k++) {
            int x0 = Math.max(0, c[0] - k), x1 = Math.min(dims[0] - 1, c[0] + k);
            int y0 = Math.max(0, c[1] - k), y1 = Math.min(dims[1] - 1, c[1] + k);
            int z0 = Math.max(0, c[2] - k), z1 = Math.min(dims[2] - 1, c[2] + k);
            for (int z = z0; z <= z1; z++) {
                boolean zEdge = Math.abs(z - c[2]) == k;
                for (int y = y0; y <= y1; y++) {
                    boolean yzEdge = zEdge || Math.abs(y - c[1]) == k;
                    for (int x = x0; x <= x1; x++) {
                        if (!yzEdge && Math.abs(x - c[0]) != k) {
                            continue; // inner cell, visited in an earlier ring
                        }
                        int cellId = (z * dims[1] + y) * dims[0] + x;
                        for (int j = cellStart[cellId]; j < cellStart[cellId + 1]; j++) {
                            int p = 3 * order[j];
                            double dx = points[p] - qx, dy = points[p + 1] - qy, dz = points[p + 2] - qz;
                            double d2 = dx * dx + dy * dy + dz * dz;
                            if (d2 < best) {
                                best = d2;
                            }
                        }
                    }
                }
            }
            // lower bound on the distance to any cell outside the visited block [c - k, c + k]
            double bound = Double.POSITIVE_INFINITY;
            for (int a = 0; a < 3; a++) {
                if (c[a] + k + 1 <= dims[a] - 1) {
                    bound = Math.min(bound, Math.max(0, lo[a] + (c[a] + k + 1) * cell - q[a]));
                }
                if (c[a] - k - 1 >= 0) {
                    bound = Math.min(bound, Math.max(0, q[a] - (lo[a] + (c[a] - k) * cell)));
                }
            }
            if (bound == Double.POSITIVE_INFINITY) {
                break; // every cell visited
            }
            bound = Math.max(0, bound - 1e-9 * cell); // margin against rounding in the cell arithmetic
            if (best <= bound * bound) {
                break; // no unvisited cell can hold a closer point
            }
        }
        return Math.sqrt(best);
    }

    /**
     * Plain reference: the nearest distance by scanning every point.
     *
     * @param points xyz per point (not null, at least one point)
     * @return the exact minimum distance
     */
    static double bruteForce(float[] points, double qx, double qy, double qz) {
        double best = Double.POSITIVE_INFINITY;
        for (int p = 0; p < points.length; p += 3) {
            double dx = points[p] - qx, dy = points[p + 1] - qy, dz = points[p + 2] - qz;
            double d2 = dx * dx + dy * dy + dz * dz;
            if (d2 < best) {
                best = d2;
            }
        }
        return Math.sqrt(best);
    }
}
