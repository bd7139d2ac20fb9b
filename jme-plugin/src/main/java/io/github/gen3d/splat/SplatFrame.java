package io.github.gen3d.splat;

/**
 * The axis convention a splat file stores its data in, and how readers convert it.
 *
 * <ul>
 * <li>{@link #RUB}: x right, y up, z back (towards the viewer). This is jME's own frame (and OpenGL's, three.js's),
 * and the frame of Niantic SPZ files.</li>
 * <li>{@link #RDF}: x right, y down, z forward. The COLMAP/OpenCV frame that INRIA 3DGS training writes into
 * {@code .ply} and that antimatter15 {@code .splat} files keep.</li>
 * </ul>
 * RDF and RUB differ by a 180° turn about the x axis (negate y and z), a proper rotation, so converting between
 * them also rotates each splat's quaternion and its SH coefficients; nothing is mirrored.
 */
public enum SplatFrame {
    /** Right, up, back: jME, OpenGL, SPZ. */
    RUB,
    /** Right, down, forward: COLMAP/OpenCV, INRIA PLY, .splat. */
    RDF;

    /** Row-major matrix of the 180° turn about x that maps RDF to RUB and back. */
    private static final double[] FLIP_YZ = {1, 0, 0, 0, -1, 0, 0, 0, -1};

    /**
     * Converts a cloud in place from this frame to another.
     *
     * @param cloud the cloud (not null, modified)
     * @param target the frame wanted (not null)
     */
    public void convert(GaussianCloud cloud, SplatFrame target) {
        if (this != target) {
            cloud.applyOrthogonal(FLIP_YZ);
        }
    }
}
