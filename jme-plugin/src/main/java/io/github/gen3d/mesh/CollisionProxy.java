package io.github.gen3d.mesh;

import com.jme3.bounding.BoundingBox;
import com.jme3.math.Vector3f;
import com.jme3.scene.Mesh;
import java.io.IOException;

/**
 * Collision shapes for a mesh in plain data a physics library can consume, without depending on one. With Minie,
 * for example: {@code new MeshCollisionShape(proxy.mesh())} for static level geometry,
 * {@code new HullCollisionShape(proxy.hullVertices())} for a dynamic body, or
 * {@code new BoxCollisionShape(proxy.box().getExtent(null))} offset by {@code proxy.box().getCenter()}.
 *
 * <p>Immutable; accessors return copies except {@link #mesh()}.
 */
public final class CollisionProxy {
    private final Mesh mesh;
    private final BoundingBox box;
    private final float[] hullVertices;
    private final int[] hullIndices;

    private CollisionProxy(Mesh mesh, BoundingBox box, float[] hullVertices, int[] hullIndices) {
        this.mesh = mesh;
        this.box = box;
        this.hullVertices = hullVertices;
        this.hullIndices = hullIndices;
    }

    /**
     * Builds the proxies: the box is the axis-aligned bounds of the vertices; the hull is their convex hull, or
     * the box's eight corners when the vertices span no volume (a flat or degenerate mesh).
     *
     * @param source the triangle mesh (not null, unaffected, at least one vertex)
     * @param jmeMesh the jME mesh built from it, handed out by {@link #mesh()} (not null, not copied)
     * @return the proxy (not null)
     * @throws IllegalArgumentException if the mesh has no vertices or a non-finite position
     */
    public static CollisionProxy of(TriangleMesh source, Mesh jmeMesh) {
        float[] p = source.positions();
        if (p.length == 0) {
            throw new IllegalArgumentException("empty mesh has no collision shape");
        }
        Vector3f min = new Vector3f(Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY);
        Vector3f max = new Vector3f(Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < p.length; i += 3) {
            if (!Float.isFinite(p[i]) || !Float.isFinite(p[i + 1]) || !Float.isFinite(p[i + 2])) {
                throw new IllegalArgumentException("non-finite vertex " + i / 3);
            }
            min.minLocal(new Vector3f(p[i], p[i + 1], p[i + 2]));
            max.maxLocal(new Vector3f(p[i], p[i + 1], p[i + 2]));
        }
        BoundingBox box = new BoundingBox(min, max);
        float[] hv;
        int[] hi;
        try {
            ConvexHull hull = ConvexHull.of(p);
            hv = hull.vertices();
            hi = hull.indices();
        } catch (IllegalArgumentException flat) {
            hv = new float[24];
            for (int k = 0; k < 8; k++) {
                hv[3 * k] = (k & 1) == 0 ? min.x : max.x;
                hv[3 * k + 1] = (k & 2) == 0 ? min.y : max.y;
                hv[3 * k + 2] = (k & 4) == 0 ? min.z : max.z;
            }
            hi = new int[0];
        }
        return new CollisionProxy(jmeMesh, box, hv, hi);
    }

    /**
     * Like {@link #of(TriangleMesh, Mesh)}, with the hull reduced to at most {@code maxHullVertices} points for
     * physics engines that prefer small hulls (Bullet suggests about 100): the hull surface is decimated with
     * {@link MeshDecimator} (its vertices are a subset of the full hull's, so the reduced hull lies inside it)
     * and the hull of the remaining points is taken.
     *
     * @param source the triangle mesh (not null, unaffected, at least one vertex)
     * @param jmeMesh the jME mesh built from it (not null, not copied)
     * @param maxHullVertices the largest number of hull points (at least 4)
     * @return the proxy (not null)
     * @throws IOException if the decimator's native library is unavailable
     * @throws IllegalArgumentException if the mesh has no vertices or maxHullVertices is below 4
     */
    public static CollisionProxy of(TriangleMesh source, Mesh jmeMesh, int maxHullVertices) throws IOException {
        if (maxHullVertices < 4) {
            throw new IllegalArgumentException("a hull needs at least 4 points, not " + maxHullVertices);
        }
        CollisionProxy full = of(source, jmeMesh);
        if (full.hullVertices.length / 3 <= maxHullVertices || full.hullIndices.length == 0) {
            return full;
        }
        int nv = full.hullVertices.length / 3;
        TriangleMesh hullMesh = new TriangleMesh(full.hullVertices, new float[3 * nv], new float[4 * nv],
                full.hullIndices);
        // a closed triangulated sphere-like surface with V vertices has 2V - 4 faces
        int budget = 2 * maxHullVertices - 4;
        while (true) {
            TriangleMesh small = MeshDecimator.decimate(hullMesh, budget);
            try {
                ConvexHull hull = ConvexHull.of(small.positions());
                if (hull.vertexCount() <= maxHullVertices || budget <= 4) {
                    return new CollisionProxy(jmeMesh, full.box, hull.vertices(), hull.indices());
                }
            } catch (IllegalArgumentException flat) {
                return full;
            }
            budget = Math.max(4, budget * 3 / 4);
        }
    }

    /** @return the render mesh itself, for a triangle-mesh collision shape (not null, shared: do not modify) */
    public Mesh mesh() {
        return mesh;
    }

    /** @return the axis-aligned bounding box of the vertices (not null, a new copy) */
    public BoundingBox box() {
        return (BoundingBox) box.clone();
    }

    /** @return convex hull vertex coordinates, xyz packed (not null, a new copy, at least 4 points) */
    public float[] hullVertices() {
        return hullVertices.clone();
    }

    /**
     * @return hull triangles as indices into {@link #hullVertices()}, CCW from outside; empty when the mesh is
     *     flat and the hull points are the box corners (not null, a new copy)
     */
    public int[] hullIndices() {
        return hullIndices.clone();
    }
}
