package io.github.gen3d.splat;

import static io.github.gen3d.splat.GpuTestSupport.psnr;
import static io.github.gen3d.splat.GpuTestSupport.sideBySide;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.math.ColorRGBA;
import com.jme3.math.Quaternion;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import com.jme3.scene.Node;
import com.jme3.scene.Spatial;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.render.SplatRasterizer;
import io.github.gen3d.testing.HeadlessApp;
import io.github.gen3d.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * GL tests of {@link SplatGroup}: two slabs of splats crossing like an X (so their depth ranges interleave from
 * every side) drawn as two plain SplatNodes and as one group, against the CPU reference rasterizer
 * ({@link SplatRasterizer}) rendering the <b>union</b> of both clouds (each transformed by its node's world
 * transform and merged into one cloud, so the CPU sorts all splats together). Pictures (per-node | grouped | CPU)
 * go to {@code target/test-out/gpu-group/}.
 */
class GpuSplatGroupTest {
    private static final Logger LOGGER = Logger.getLogger(GpuSplatGroupTest.class.getName());
    static final int W = 256;
    static final int H = 192;
    private static final float[] AZIMUTHS = {20, 110, 200, 290};
    /** GPU against CPU, grouped: at least this PSNR (dB). */
    private static final double MIN_PSNR = 40;

    // ---------------------------------------------------------------------------------------------------------
    // scene

    /**
     * A thin slab in the cloud's xy plane: splats on a jittered grid, flat ellipsoids facing z, one colour with a
     * little noise; degree 1 adds small view-dependent terms.
     */
    static GaussianCloud slab(float halfW, float halfH, float[] rgb, int degree, long seed) {
        Random rnd = new Random(seed);
        int nx = 36, ny = 22;
        float dx = 2 * halfW / nx, dy = 2 * halfH / ny;
        GaussianCloud c = new GaussianCloud(nx * ny, degree);
        int k3 = c.shCoefficients() * 3;
        for (int j = 0, i = 0; j < ny; j++) {
            for (int k = 0; k < nx; k++, i++) {
                float x = -halfW + (k + 0.5f + 0.4f * (rnd.nextFloat() - 0.5f)) * dx;
                float y = -halfH + (j + 0.5f + 0.4f * (rnd.nextFloat() - 0.5f)) * dy;
                float z = 0.03f * (rnd.nextFloat() - 0.5f);
                float a = 0.3f * (rnd.nextFloat() - 0.5f); // a small turn about z
                c.set(i, new float[] {x, y, z}, new float[] {0.55f * dx, 0.55f * dy, 0.01f},
                        new float[] {(float) Math.cos(a / 2), 0, 0, (float) Math.sin(a / 2)},
                        0.55f + 0.3f * rnd.nextFloat());
                c.setColour(i, rgb[0] + 0.1f * (rnd.nextFloat() - 0.5f), rgb[1] + 0.1f * (rnd.nextFloat() - 0.5f),
                        rgb[2] + 0.1f * (rnd.nextFloat() - 0.5f));
                for (int f = 3; f < k3; f++) {
                    c.sh()[i * k3 + f] = (float) (0.08 * rnd.nextGaussian());
                }
            }
        }
        return c;
    }

    static GaussianCloud red() {
        return slab(1.0f, 0.6f, new float[] {0.9f, 0.2f, 0.15f}, 0, 101L);
    }

    static GaussianCloud blue() {
        return slab(0.9f, 0.7f, new float[] {0.15f, 0.35f, 0.95f}, 1, 202L);
    }

    /**
     * The union the CPU renders: each cloud copied at the highest degree (zero SH added), transformed by its world
     * transform, all merged into one cloud.
     */
    static GaussianCloud union(List<GaussianCloud> clouds, List<Transform> worlds) {
        int degree = 0, n = 0;
        for (GaussianCloud c : clouds) {
            degree = Math.max(degree, c.shDegree());
            n += c.size();
        }
        GaussianCloud u = new GaussianCloud(n, degree);
        int at = 0;
        for (int m = 0; m < clouds.size(); m++) {
            GaussianCloud c = clouds.get(m).withShDegree(degree).transformInPlace(worlds.get(m));
            int s = c.size();
            System.arraycopy(c.positions(), 0, u.positions(), 3 * at, 3 * s);
            System.arraycopy(c.scales(), 0, u.scales(), 3 * at, 3 * s);
            System.arraycopy(c.rotations(), 0, u.rotations(), 4 * at, 4 * s);
            System.arraycopy(c.opacities(), 0, u.opacities(), at, s);
            System.arraycopy(c.sh(), 0, u.sh(), at * c.shCoefficients() * 3, s * c.shCoefficients() * 3);
            at += s;
        }
        return u;
    }

    static PinholeCamera view(float azimuth) {
        return PinholeCamera.orbit(new Vector3f(0, 0, 0), 3.0f, azimuth, 12, 50, W, H);
    }

    static BufferedImage cpu(GaussianCloud cloud, PinholeCamera view) {
        return new SplatRasterizer().render(cloud, new Transform(), view, RenderOptions.defaults())
                .toImage(ColorRGBA.Black);
    }

    /** The two slabs, crossing: red turned +35° about y, blue (under a mount) −35° and a little moved. */
    static final class Scene {
        final GaussianCloud redCloud = red();
        final GaussianCloud blueCloud = blue();
        SplatNode red;
        SplatNode blue;
        Node mount;

        void build(HeadlessApp gl) {
            gl.run(app -> {
                red = new SplatNode(redCloud, "red", app.getAssetManager());
                red.setLocalRotation(new Quaternion().fromAngleAxis(0.61f, Vector3f.UNIT_Y));
                blue = new SplatNode(blueCloud, "blue", app.getAssetManager());
                blue.setLocalScale(1.1f);
                mount = new Node("mount");
                mount.setLocalRotation(new Quaternion().fromAngleAxis(-0.61f, Vector3f.UNIT_Y));
                mount.setLocalTranslation(0.05f, 0.08f, 0.03f);
                mount.attachChild(blue);
            });
        }

        /** The union of the clouds drawn now (world transforms as jME computed them). */
        GaussianCloud unionNow(HeadlessApp gl, boolean withRed, boolean withBlue) {
            Transform tr = gl.call(app -> red.splatGeometry().getWorldTransform().clone());
            Transform tb = gl.call(app -> blue.splatGeometry().getWorldTransform().clone());
            if (withRed && withBlue) {
                return union(List.of(redCloud, blueCloud), List.of(tr, tb));
            }
            return withRed ? union(List.of(redCloud), List.of(tr)) : union(List.of(blueCloud), List.of(tb));
        }
    }

    static void setView(HeadlessApp gl, PinholeCamera v) {
        gl.run(app -> app.getCamera().copyFrom(v.toJme()));
    }

    static long groupUploads(HeadlessApp gl, SplatGroup g) {
        return gl.call(app -> g.groupGeometry().uploads());
    }

    /** Renders until the group has swapped in an order newer than {@code before}, then two more frames. */
    static void awaitGroupOrder(HeadlessApp gl, SplatGroup g, long before, String what) {
        gl.renderUntil(app -> g.groupGeometry().uploads() > before, what);
        gl.renderFrames(2);
    }

    static void save(BufferedImage img, String name) {
        try {
            ImageIO.write(img, "png", TestData.out("gpu-group").resolve(name + ".png").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Thread> threadsEndingWith(String suffix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("gen3d-splat-sort-") && t.getName().endsWith(suffix))
                .collect(Collectors.toList());
    }

    static void awaitNoThreads(String suffix, long ms) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000L;
        while (!threadsEndingWith(suffix).isEmpty()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("sorter threads still alive after " + ms + " ms: " + threadsEndingWith(suffix));
            }
            Thread.sleep(20);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // tests

    /**
     * The X of two slabs from four sides: the group matches the CPU union render (PSNR ≥ 40 dB) from every side;
     * the two plain nodes (each sorted alone, ordered as wholes by jME) miss it clearly on at least one side.
     */
    @Test
    void interpenetratingSlabsMatchTheCpuUnionFromEverySide() {
        Scene s = new Scene();
        int views = AZIMUTHS.length;
        BufferedImage[] perNode = new BufferedImage[views];
        BufferedImage[] grouped = new BufferedImage[views];
        GaussianCloud[] unions = new GaussianCloud[views];
        SplatGroup[] group = new SplatGroup[1];
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            s.build(gl);
            setView(gl, view(AZIMUTHS[0]));
            gl.run(app -> {
                app.getRootNode().attachChild(s.red);
                app.getRootNode().attachChild(s.mount);
            });
            SplatGeometry gr = s.red.splatGeometry(), gb = s.blue.splatGeometry();
            for (int v = 0; v < views; v++) {
                // view 0: the first orders (a frame may already have drawn them); later views: one more each
                long ur = v == 0 ? 0 : gl.call(app -> gr.uploads()), ub = v == 0 ? 0 : gl.call(app -> gb.uploads());
                if (v > 0) {
                    setView(gl, view(AZIMUTHS[v]));
                }
                gl.renderUntil(app -> gr.uploads() > ur && gb.uploads() > ub, "per-node orders for view " + v);
                gl.renderFrames(2);
                perNode[v] = gl.capture();
            }

            gl.run(app -> {
                group[0] = new SplatGroup("xgroup", app.getAssetManager());
                app.getRootNode().attachChild(group[0]);
                group[0].attachChild(s.red);
                group[0].attachChild(s.mount);
            });
            SplatGroup g = group[0];
            for (int v = 0; v < views; v++) {
                long before = v == 0 ? 0 : groupUploads(gl, g);
                setView(gl, view(AZIMUTHS[v]));
                awaitGroupOrder(gl, g, before, "the group order for view " + v);
                grouped[v] = gl.capture();
                unions[v] = s.unionNow(gl, true, true);
            }
            assertEquals(2, (int) gl.call(app -> g.getMemberCount()));
            assertEquals(s.redCloud.size() + s.blueCloud.size(), (int) gl.call(app -> g.getSplatCount()));
        }
        double worstGrouped = Double.POSITIVE_INFINITY;
        double bestGap = Double.NEGATIVE_INFINITY;
        StringBuilder table = new StringBuilder();
        for (int v = 0; v < views; v++) {
            BufferedImage ref = cpu(unions[v], view(AZIMUTHS[v]));
            double pg = psnr(grouped[v], ref), pn = psnr(perNode[v], ref);
            table.append(String.format(Locale.ROOT, "%n  view %d (azimuth %3.0f°): grouped %.2f dB, per-node %.2f dB",
                    v, AZIMUTHS[v], pg, pn));
            save(sideBySide(2, perNode[v], grouped[v], ref), "x-view" + v + "-pernode-grouped-cpu");
            worstGrouped = Math.min(worstGrouped, pg);
            bestGap = Math.max(bestGap, pg - pn);
        }
        LOGGER.info("two crossing slabs against the CPU union render:" + table);
        // 30 dB is the project's parity bar; this scene measures about 54 dB, and 40 also catches a sort that ignores the
        // members' translations (about 33 dB here)
        assertTrue(worstGrouped >= MIN_PSNR, "grouped render below " + MIN_PSNR + " dB on some view:" + table);
        assertTrue(bestGap >= 6, "the per-node path should be clearly worse on some view:" + table);
    }

    /**
     * Members keep their own transforms: moving one (or the group) moves its splats in the grouped render (each
     * picture ≥ 40 dB against the CPU render of the union at the new transforms);
     * hiding one hides its splats; removing one repacks the group; a node taken out draws itself again.
     */
    @Test
    void movingHidingAndRemovingMembers() {
        Scene s = new Scene();
        PinholeCamera v = view(AZIMUTHS[0]);
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            s.build(gl);
            setView(gl, v);
            SplatGroup[] group = new SplatGroup[1];
            gl.run(app -> {
                group[0] = new SplatGroup("mgroup", app.getAssetManager());
                group[0].attachChild(s.red);
                group[0].attachChild(s.mount);
                app.getRootNode().attachChild(group[0]);
            });
            SplatGroup g = group[0];
            awaitGroupOrder(gl, g, 0, "the first group order");
            BufferedImage before = gl.capture();
            check(before, cpu(s.unionNow(gl, true, true), v), "move-0-before");

            // move and turn the blue slab's mount: a re-sort is requested although the camera is still
            long uploads = groupUploads(gl, g);
            gl.run(app -> {
                s.mount.setLocalTranslation(0.35f, -0.15f, 0.3f);
                s.mount.setLocalRotation(new Quaternion().fromAngleAxis(-1.0f, Vector3f.UNIT_Y));
            });
            awaitGroupOrder(gl, g, uploads, "the order after moving a member");
            BufferedImage moved = gl.capture();
            check(moved, cpu(s.unionNow(gl, true, true), v), "move-1-member-moved");
            double change = psnr(before, moved);
            assertTrue(change < 25, "moving a member changed the picture too little: " + change + " dB");

            // move the whole group: every member follows
            uploads = groupUploads(gl, g);
            gl.run(app -> g.setLocalTranslation(0.3f, 0.2f, -0.2f));
            awaitGroupOrder(gl, g, uploads, "the order after moving the group");
            check(gl.capture(), cpu(s.unionNow(gl, true, true), v), "move-2-group-moved");

            // hide the blue slab (cull hint on an ancestor below the group): only red is drawn
            long memberUploads = gl.call(app -> g.groupGeometry().memberUploads());
            gl.run(app -> s.mount.setCullHint(Spatial.CullHint.Always));
            gl.renderUntil(app -> g.groupGeometry().memberUploads() > memberUploads, "the member texture update");
            gl.renderFrames(2);
            check(gl.capture(), cpu(s.unionNow(gl, true, false), v), "move-3-blue-hidden");
            gl.run(app -> s.mount.setCullHint(Spatial.CullHint.Inherit));

            // remove the blue slab: the group repacks with red alone
            gl.run(app -> s.mount.removeFromParent());
            awaitGroupOrder(gl, g, 0, "the order after removing a member");
            assertEquals(1, (int) gl.call(app -> g.getMemberCount()));
            assertEquals(s.redCloud.size(), (int) gl.call(app -> g.getSplatCount()));
            check(gl.capture(), cpu(s.unionNow(gl, true, false), v), "move-4-blue-removed");

            // empty the group and show blue on its own: the node draws itself again
            gl.run(app -> {
                s.red.removeFromParent();
                app.getRootNode().attachChild(s.mount);
            });
            gl.renderUntil(app -> s.blue.splatGeometry().uploads() > 0, "blue's own order");
            gl.renderFrames(2);
            assertEquals(0, (int) gl.call(app -> g.getMemberCount()));
            check(gl.capture(), cpu(s.unionNow(gl, false, true), v), "move-5-blue-alone");
        }
    }

    private static void check(BufferedImage gpu, BufferedImage ref, String name) {
        double p = psnr(gpu, ref);
        LOGGER.info(String.format(Locale.ROOT, "%s: GPU vs CPU %.2f dB", name, p));
        save(sideBySide(2, gpu, ref), name);
        assertTrue(p >= MIN_PSNR, name + ": PSNR " + p + " dB < " + MIN_PSNR);
    }

    /**
     * Threads: grouping stops the members' own sorters at once and they stay idle; the group's one sorter ends
     * when the group is detached, and no sorter outlives the app.
     */
    @Test
    void groupSorterThreadsEndAndMembersStayIdle() throws Exception {
        Scene s = new Scene();
        SplatGroup[] group = new SplatGroup[1];
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            s.build(gl);
            setView(gl, view(0));
            gl.run(app -> {
                app.getRootNode().attachChild(s.red);
                app.getRootNode().attachChild(s.mount);
            });
            gl.renderFrames(3);
            // turn: both plain nodes sort on their own threads
            long ur = gl.call(app -> s.red.splatGeometry().uploads());
            setView(gl, view(60));
            gl.renderUntil(app -> s.red.splatGeometry().uploads() > ur, "red's re-sort");
            assertEquals(1, threadsEndingWith("-red-splats").size(), "red sorts on its own thread");

            long redOwn = gl.call(app -> s.red.splatGeometry().uploads());
            gl.run(app -> {
                group[0] = new SplatGroup("tgroup", app.getAssetManager());
                app.getRootNode().attachChild(group[0]);
                group[0].attachChild(s.red);
                group[0].attachChild(s.mount);
            });
            SplatGroup g = group[0];
            awaitGroupOrder(gl, g, 0, "the first group order");
            // the members' sorters were stopped when the group claimed them (well before their 2 s idle exit)
            awaitNoThreads("-red-splats", 1000);
            awaitNoThreads("-blue-splats", 1000);
            for (int k = 1; k <= 3; k++) {
                long before = groupUploads(gl, g);
                setView(gl, view(60 + 40 * k));
                awaitGroupOrder(gl, g, before, "the group order after turn " + k);
            }
            assertEquals(1, threadsEndingWith("-tgroup-group").size(), "one sorter thread for the whole group");
            assertTrue(threadsEndingWith("-red-splats").isEmpty() && threadsEndingWith("-blue-splats").isEmpty(),
                    "grouped members never sort on their own");
            assertEquals(redOwn, (long) gl.call(app -> s.red.splatGeometry().uploads()),
                    "red's own order buffer was not touched while grouped");

            gl.run(app -> g.removeFromParent());
            awaitNoThreads("-tgroup-group", 1000);

            // attached again, turned: the group sorts again; then the app stops
            gl.run(app -> app.getRootNode().attachChild(g));
            gl.renderFrames(3);
            long before = groupUploads(gl, g);
            setView(gl, view(300));
            awaitGroupOrder(gl, g, before, "the group order after re-attaching");
            assertEquals(1, threadsEndingWith("-tgroup-group").size());
        }
        awaitNoThreads("-tgroup-group", SplatSorter.IDLE_EXIT_MS + 3000);
    }

    /**
     * The render-thread side of a grouped frame (scene update with a moving member and the membership check,
     * member matrices, sort requests, order swaps) allocates nothing: measured on the render thread around direct
     * calls while the camera turns and a member moves every call.
     */
    @Test
    void groupedFramesAllocateNothing() {
        Scene s = new Scene();
        try (HeadlessApp gl = HeadlessApp.start(W, H)) {
            s.build(gl);
            setView(gl, view(0));
            SplatGroup[] group = new SplatGroup[1];
            gl.run(app -> {
                group[0] = new SplatGroup("agroup", app.getAssetManager());
                group[0].attachChild(s.red);
                group[0].attachChild(s.mount);
                app.getRootNode().attachChild(group[0]);
            });
            SplatGroup g = group[0];
            awaitGroupOrder(gl, g, 0, "the first group order");
            long[] result = gl.call(app -> {
                SplatGroupGeometry geo = g.groupGeometry();
                Quaternion[] turns = new Quaternion[16];
                Vector3f[] places = new Vector3f[16];
                for (int k = 0; k < turns.length; k++) {
                    turns[k] = new Quaternion().fromAngles(0.1f * k, 0.37f * k, 0);
                    places[k] = new Vector3f(0.01f * k, 0, 0);
                }
                com.sun.management.ThreadMXBean mx =
                        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long[] out = new long[3];
                for (int run = 0; run < 2; run++) { // run 0 warms up
                    long uploads = geo.uploads();
                    long before = mx.getCurrentThreadAllocatedBytes();
                    long end = System.nanoTime() + 1_000_000_000L;
                    int calls = 0;
                    while (System.nanoTime() < end) {
                        app.getCamera().setRotation(turns[calls % turns.length]);
                        s.mount.setLocalTranslation(places[(calls / 3) % places.length]);
                        app.getRootNode().updateGeometricState();
                        geo.prepareRender(app.getRenderManager(), app.getViewPort());
                        calls++;
                    }
                    out[0] = mx.getCurrentThreadAllocatedBytes() - before;
                    out[1] = geo.uploads() - uploads;
                    out[2] = calls;
                }
                return out;
            });
            assertTrue(result[1] >= 10, "only " + result[1] + " orders swapped in during the measurement");
            assertTrue(result[0] < 4096, result[0] + " bytes allocated over " + result[2] + " calls and " + result[1]
                    + " swaps");
            assertEquals(1L, (long) gl.call(app -> g.groupGeometry().rebuilds()), "moves never repack");
        }
    }
}
