package io.github.gen3d.mesh;

import java.util.Arrays;

/**
 * A plain indexed triangle mesh: the hand-off format between mesh extraction (TSDF fusion + marching cubes) and the
 * jME geometry, cleanup and export code.
 *
 * <p>Layout: {@code positions} holds xyz per vertex ({@code 3 * vertexCount} floats, world units); {@code normals}
 * holds a unit xyz per vertex ({@code 3 * vertexCount}); {@code colours} holds linear RGBA in [0, 1] per vertex
 * ({@code 4 * vertexCount}); {@code indices} holds three vertex indices per triangle
 * ({@code 3 * triangleCount}). Triangles are wound counter-clockwise seen from outside (right-hand rule: the face
 * normal {@code (b - a) x (c - a)} points out of the solid), which is jME's front-face convention.
 *
 * <p>Instances are immutable in the sense that the accessors return the internal arrays without copying for speed;
 * callers must treat those arrays as read-only. Use {@link #copy()} for a mutable copy.
 */
public final class TriangleMesh {
    private final float[] positions;
    private final float[] normals;
    private final float[] colours;
    private final int[] indices;

    /**
     * Creates a mesh over the given arrays (taken over, not copied; the caller must not modify them afterwards).
     *
     * @param positions xyz per vertex (not null, length a multiple of 3)
     * @param normals xyz per vertex (not null, same length as positions)
     * @param colours RGBA per vertex (not null, length {@code 4 * vertexCount})
     * @param indices three vertex indices per triangle (not null, length a multiple of 3, each in range)
     * @throws IllegalArgumentException if the lengths disagree or an index is out of range
     */
    public TriangleMesh(float[] positions, float[] normals, float[] colours, int[] indices) {
        if (positions == null || normals == null || colours == null || indices == null) {
            throw new IllegalArgumentException("mesh arrays must not be null");
        }
        if (positions.length % 3 != 0) {
            throw new IllegalArgumentException("positions length " + positions.length + " is not a multiple of 3");
        }
        int n = positions.length / 3;
        if (normals.length != 3 * n) {
            throw new IllegalArgumentException("normals length " + normals.length + " != 3 * " + n);
        }
        if (colours.length != 4 * n) {
            throw new IllegalArgumentException("colours length " + colours.length + " != 4 * " + n);
        }
        if (indices.length % 3 != 0) {
            throw new IllegalArgumentException("indices length " + indices.length + " is not a multiple of 3");
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= n) {
                throw new IllegalArgumentException("index " + indices[i] + " at " + i + " out of range [0," + n + ")");
            }
        }
        this.positions = positions;
        this.normals = normals;
        this.colours = colours;
        this.indices = indices;
    }

    /** @return the number of vertices (at least 0) */
    public int vertexCount() {
        return positions.length / 3;
    }

    /** @return the number of triangles (at least 0) */
    public int triangleCount() {
        return indices.length / 3;
    }

    /** @return true if the mesh has no triangles */
    public boolean isEmpty() {
        return indices.length == 0;
    }

    /** @return xyz per vertex, {@code 3 * vertexCount()} floats (internal array: not null, do not modify) */
    public float[] positions() {
        return positions;
    }

    /** @return unit xyz normal per vertex, {@code 3 * vertexCount()} floats (internal array: not null, do not modify) */
    public float[] normals() {
        return normals;
    }

    /** @return linear RGBA in [0,1] per vertex, {@code 4 * vertexCount()} floats (internal array: not null, do not modify) */
    public float[] colours() {
        return colours;
    }

    /** @return three vertex indices per triangle, CCW from outside (internal array: not null, do not modify) */
    public int[] indices() {
        return indices;
    }

    /** @return a deep copy whose arrays may be modified freely (not null) */
    public TriangleMesh copy() {
        return new TriangleMesh(positions.clone(), normals.clone(), colours.clone(), indices.clone());
    }

    /**
     * Sums the triangle areas.
     *
     * @return the total surface area in world units squared (at least 0)
     */
    public double area() {
        double sum = 0;
        for (int t = 0; t < indices.length; t += 3) {
            double[] c = cross(indices[t], indices[t + 1], indices[t + 2]);
            sum += 0.5 * Math.sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
        }
        return sum;
    }

    /**
     * Signed enclosed volume by the divergence theorem; positive for a closed mesh wound CCW from outside.
     *
     * @return the signed volume in world units cubed (meaningful only for closed meshes)
     */
    public double signedVolume() {
        double sum = 0;
        for (int t = 0; t < indices.length; t += 3) {
            int a = 3 * indices[t], b = 3 * indices[t + 1], c = 3 * indices[t + 2];
            double ax = positions[a], ay = positions[a + 1], az = positions[a + 2];
            double bx = positions[b], by = positions[b + 1], bz = positions[b + 2];
            double cx = positions[c], cy = positions[c + 1], cz = positions[c + 2];
            sum += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx);
        }
        return sum / 6.0;
    }

    private double[] cross(int ia, int ib, int ic) {
        int a = 3 * ia, b = 3 * ib, c = 3 * ic;
        double ux = positions[b] - positions[a], uy = positions[b + 1] - positions[a + 1];
        double uz = positions[b + 2] - positions[a + 2];
        double vx = positions[c] - positions[a], vy = positions[c + 1] - positions[a + 1];
        double vz = positions[c + 2] - positions[a + 2];
        return new double[] {uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx};
    }

    /**
     * @return a short description with the vertex and triangle counts (not null)
     */
    @Override
    public String toString() {
        return "TriangleMesh[vertices=" + vertexCount() + ", triangles=" + triangleCount() + "]";
    }

    /**
     * Compares arrays exactly.
     *
     * @param o the other object (may be null)
     * @return true if {@code o} is a TriangleMesh with identical arrays' contents
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TriangleMesh m)) {
            return false;
        }
        return Arrays.equals(positions, m.positions) && Arrays.equals(normals, m.normals)
                && Arrays.equals(colours, m.colours) && Arrays.equals(indices, m.indices);
    }

    /** @return a hash of the arrays' contents */
    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(positions) + Arrays.hashCode(indices)) + Arrays.hashCode(colours);
    }
}
