package io.github.gen3d.trainer;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.trainer.dataset.PropCategory;
import io.github.gen3d.trainer.dataset.PropGenerator;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.render.ViewRig;
import java.util.ArrayList;
import java.util.List;

/**
 * The random pose and views of one dataset prop, shared by the dataset renderer ({@link RenderedProp}) and the
 * evaluation ({@link EvaluateTool}) so that both see the same test props from the same sides (see
 * {@code docs/dataset.md}, "Views").
 *
 * <p>{@code SplitMix64(seed ^ }{@value #VIEW_SEED_SALT}{@code )} draws, in order: the yaw ~ U[0, 360)°, the input
 * elevation ~ U[0, {@value #INPUT_ELEVATION_MAX}]°, then azimuth ~ U[0, 360)° and elevation ~
 * U[{@value #NOVEL_ELEVATION_MIN}, {@value #NOVEL_ELEVATION_MAX}]° per novel view. The prop is rotated by −yaw about
 * +Y into the canonical frame, where the input camera is at azimuth 0.
 *
 * @param seed the prop seed
 * @param category {@code PropCategory.values()[seed mod 10]}
 * @param yaw degrees; the prop is rotated by −yaw into the canonical frame
 * @param azimuths azimuth per view in degrees ({@value #VIEWS}: input, targets, novel; do not modify)
 * @param elevations elevation per view in degrees ({@value #VIEWS}; do not modify)
 */
record PropPose(long seed, PropCategory category, float yaw, float[] azimuths, float[] elevations) {
    /** Views per prop: input, 4 targets, 4 novel. */
    static final int VIEWS = 9;
    /** Input elevation range in degrees. */
    static final float INPUT_ELEVATION_MAX = 30f;
    /** Novel view elevation range in degrees. */
    static final float NOVEL_ELEVATION_MIN = -15f;
    static final float NOVEL_ELEVATION_MAX = 50f;
    /** XOR-ed into the prop seed to seed the view sampler (decorrelates it from {@code DatasetSplit}). */
    static final long VIEW_SEED_SALT = 0x56494557534C4FL;

    /**
     * Draws the pose of a prop.
     *
     * @param seed the prop seed
     * @return the pose
     */
    static PropPose of(long seed) {
        PropCategory category = categoryOf(seed);
        SplitMix64 rng = new SplitMix64(seed ^ VIEW_SEED_SALT);
        float yaw = (float) (360 * rng.nextDouble());
        float[] az = new float[VIEWS];
        float[] el = new float[VIEWS];
        el[0] = (float) (INPUT_ELEVATION_MAX * rng.nextDouble());
        float[] targets = ViewRig.targetAzimuths();
        System.arraycopy(targets, 0, az, 1, targets.length);
        for (int v = 1 + targets.length; v < VIEWS; v++) {
            az[v] = (float) (360 * rng.nextDouble());
            el[v] = (float) (NOVEL_ELEVATION_MIN + (NOVEL_ELEVATION_MAX - NOVEL_ELEVATION_MIN) * rng.nextDouble());
        }
        return new PropPose(seed, category, yaw, az, el);
    }

    /**
     * The category of a dataset prop.
     *
     * @param seed the prop seed
     * @return {@code PropCategory.values()[seed mod 10]} (non-negative remainder)
     */
    static PropCategory categoryOf(long seed) {
        PropCategory[] cats = PropCategory.values();
        return cats[(int) Math.floorMod(seed, (long) cats.length)];
    }

    /**
     * The first {@code count} seeds of a split in dataset order ({@code i = 0, 1, 2, ...}, kept when
     * {@link DatasetSplit#of(long)} is the split), as {@link DatasetWriter} selects them.
     *
     * @param split the split (not null)
     * @param count how many (≥ 0)
     * @return the seeds (new list)
     */
    static List<Long> seeds(DatasetSplit split, int count) {
        if (split == null || count < 0) {
            throw new IllegalArgumentException("need a split and a count ≥ 0, got " + split + ", " + count);
        }
        List<Long> out = new ArrayList<>(count);
        for (long i = 0; out.size() < count; i++) {
            if (DatasetSplit.of(i) == split) {
                out.add(i);
            }
        }
        return out;
    }

    /** @return the input view's elevation in degrees (its azimuth is 0) */
    float inputElevation() {
        return elevations[0];
    }

    /** @return the generated prop's mesh rotated into the canonical frame (new) */
    TriangleMesh canonicalMesh() {
        return rotateY(PropGenerator.generate(category, seed).mesh(), -yaw);
    }

    /**
     * Rotates positions and normals about +Y (right-handed: positive angles turn +Z towards +X).
     *
     * @param m the mesh (not null, unaffected)
     * @param degrees the angle
     * @return a new mesh
     */
    static TriangleMesh rotateY(TriangleMesh m, double degrees) {
        double t = Math.toRadians(degrees), c = Math.cos(t), s = Math.sin(t);
        float[] pos = m.positions().clone();
        float[] nrm = m.normals().clone();
        for (float[] a : new float[][] {pos, nrm}) {
            for (int i = 0; i < a.length; i += 3) {
                double x = a[i], z = a[i + 2];
                a[i] = (float) (c * x + s * z);
                a[i + 2] = (float) (-s * x + c * z);
            }
        }
        return new TriangleMesh(pos, nrm, m.colours(), m.indices());
    }
}
