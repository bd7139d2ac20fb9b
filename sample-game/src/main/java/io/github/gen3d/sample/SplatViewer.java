package io.github.gen3d.sample;

import com.jme3.app.SimpleApplication;
import com.jme3.app.state.ScreenshotAppState;
import com.jme3.asset.plugins.FileLocator;
import com.jme3.bounding.BoundingBox;
import com.jme3.input.ChaseCamera;
import com.jme3.input.KeyInput;
import com.jme3.input.controls.ActionListener;
import com.jme3.input.controls.KeyTrigger;
import com.jme3.light.AmbientLight;
import com.jme3.light.DirectionalLight;
import com.jme3.material.Material;
import com.jme3.math.ColorRGBA;
import com.jme3.math.FastMath;
import com.jme3.math.Vector3f;
import com.jme3.scene.Geometry;
import com.jme3.scene.Node;
import com.jme3.scene.Spatial;
import com.jme3.scene.shape.Box;
import com.jme3.system.AppSettings;
import io.github.gen3d.splat.SplatFrame;
import io.github.gen3d.splat.SplatKey;
import io.github.gen3d.splat.SplatLoader;
import io.github.gen3d.splat.SplatNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The splat viewer: opens .ply / .splat / .spz files (or the shipped sample) and shows them with an orbit camera.
 * With {@code --screenshot out.png} it renders a few frames off screen, writes the picture and exits. Exit codes: 0
 * done, 1 the files or the rendering failed, 2 bad command line or a missing file, 3 no window with an OpenGL 3.3
 * context could be opened (no usable display).
 */
@Command(name = "splat-viewer", mixinStandardHelpOptions = true,
        description = "Views Gaussian splat files (.ply, .splat, .spz, KHR_gaussian_splatting .glb) in jMonkeyEngine.",
        footer = "Exit codes: 0 done, 1 the files or the rendering failed, 2 bad command line or a missing file, "
                + "3 no window with an OpenGL 3.3 context could be opened.")
public final class SplatViewer extends SimpleApplication implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(SplatViewer.class.getName());

    @Parameters(arity = "0..*", paramLabel = "FILE",
            description = "Splat files to show side by side (default: the shipped sample Splats/mushroom.ply).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--screenshot", paramLabel = "PNG", description = "Render off screen, write this PNG and exit.")
    Path screenshot;

    @Option(names = "--width", defaultValue = "1280", description = "Window width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "720", description = "Window height (default ${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--azimuth", defaultValue = "30", description = "Camera azimuth in degrees (default ${DEFAULT-VALUE}).")
    float azimuth;

    @Option(names = "--elevation", defaultValue = "15", description = "Camera elevation in degrees (default ${DEFAULT-VALUE}).")
    float elevation;

    @Option(names = "--frames", defaultValue = "20", description = "Frames rendered before a screenshot (default ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--source-frame", defaultValue = "AUTO", description = "Axis convention of the files' data: AUTO "
            + "(the format's own: RDF for .ply/.splat, RUB for .spz), RDF or RUB. Data is converted to jME's Y-up.")
    String frameOption;

    @Option(names = "--background", defaultValue = "0.12,0.13,0.16", description = "Background colour r,g,b in 0..1.")
    String background;

    @Option(names = "--ground", description = "Show an opaque ground box under the splats.")
    boolean ground;

    @Option(names = "--mesh", paramLabel = "GLB", description = "Convert the splats to a mesh (24 depth views → TSDF → "
            + "marching cubes → cleanup/decimation), show it beside them and write it as .glb (key M does the same "
            + "interactively, writing next to the first file or to out/).")
    Path meshOut;

    @Option(names = "--mesh-resolution", defaultValue = "192", description = "TSDF resolution for --mesh / key M "
            + "(default ${DEFAULT-VALUE}).")
    int meshResolution;

    private final Node splats = new Node("splats");
    private final Node meshes = new Node("meshes");
    private final java.util.concurrent.atomic.AtomicBoolean converting = new java.util.concurrent.atomic.AtomicBoolean();
    private ChaseCamera chase;
    private FrameGrabber grabber;
    private volatile Throwable failure;
    /** Set once the GL context exists and the app initialises: a failure before that is a display failure. */
    private volatile boolean initialising;

    /**
     * Entry point.
     *
     * @param args command line; see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SplatViewer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                System.err.println("splat-viewer: " + f + ": no such file");
                return 2;
            }
        }
        AppSettings s = new AppSettings(true);
        s.setResolution(width, height);
        s.setTitle("Gen3D splat viewer");
        s.setRenderer(AppSettings.LWJGL_OPENGL33);
        s.setAudioRenderer(null);
        s.setVSync(screenshot == null);
        s.setSamples(0);
        setSettings(s);
        setShowSettings(false);
        setPauseOnLostFocus(false);
        if (screenshot != null) {
            grabber = new FrameGrabber(frames, screenshot);
        }
        start();
        if (grabber != null) {
            boolean finished = grabber.await(120);
            // wait until the render thread and its GL context are gone, so another app can start cleanly
            stop(true);
            if (failure != null && !initialising) {
                System.err.println("splat-viewer: could not open a window with an OpenGL 3.3 context: "
                        + describe(failure));
                return 3;
            }
            if (!finished) {
                System.err.println("splat-viewer: timed out waiting for the screenshot");
                return 1;
            }
            if (failure != null) {
                System.err.println("splat-viewer: " + describe(failure));
                return 1;
            }
            if (grabber.error() != null) {
                System.err.println("splat-viewer: " + describe(grabber.error()));
                return 1;
            }
            System.out.println("wrote " + screenshot.toAbsolutePath());
        }
        if (failure != null) {
            System.err.println("splat-viewer: " + describe(failure));
            return 1;
        }
        return 0;
    }

    /** Converts synchronously (render thread; for the CLI/screenshot path) and attaches the meshes. */
    private void convertToMeshes(Path out) throws java.io.IOException {
        for (Spatial m : buildMeshes(out)) {
            meshes.attachChild(m);
        }
    }

    /**
     * Builds one mesh geometry per splat node, placed beside it, and writes them (merged per node, the first node's
     * mesh to {@code out}, others with an index suffix). Touches no attached spatial: safe on a worker thread.
     */
    private List<Spatial> buildMeshes(Path out) throws java.io.IOException {
        List<Spatial> result = new ArrayList<>();
        List<SplatNode> nodes = new ArrayList<>();
        splats.depthFirstTraversal(sp -> {
            if (sp instanceof SplatNode sn) {
                nodes.add(sn);
            }
        });
        for (int i = 0; i < nodes.size(); i++) {
            SplatNode sn = nodes.get(i);
            long t0 = System.nanoTime();
            io.github.gen3d.mesh.TriangleMesh raw = io.github.gen3d.mesh.MeshExtractor.extract(sn.getCloud(),
                    io.github.gen3d.mesh.MeshExtractor.Settings.defaults().withResolution(meshResolution));
            io.github.gen3d.mesh.GameMesh gm = io.github.gen3d.mesh.GameMesh.build(raw,
                    io.github.gen3d.mesh.GameMesh.Settings.defaults(), sn.getName() + "-mesh", assetManager);
            Path file = i == 0 ? out : out.resolveSibling(out.getFileName().toString().replace(".glb", "") + "-" + i
                    + ".glb");
            if (file.toAbsolutePath().getParent() != null) {
                java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
            }
            io.github.gen3d.mesh.MeshExport.writeGlb(gm.mesh(), file);
            Spatial g = gm.geometry();
            BoundingBox b = coreBounds(sn);
            g.setLocalTransform(sn.getWorldTransform());
            g.move(b.getXExtent() * 2.2f, 0, 0);
            result.add(g);
            System.out.printf("mesh %s: %d triangles (%d raw) in %.1f s → %s%n", sn.getName(),
                    gm.mesh().triangleCount(), raw.triangleCount(), (System.nanoTime() - t0) / 1e9, file);
        }
        return result;
    }

    /** The most specific message in a cause chain: the reader's IOException names the file and the problem. */
    static String describe(Throwable t) {
        String msg = t.getMessage() != null ? t.getMessage() : t.toString();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.io.IOException && c.getMessage() != null) {
                msg = c.getMessage();
            }
        }
        return msg;
    }

    /**
     * Bounds of the central 96% of splat centres per axis, in world space (robust to stray splats).
     *
     * @param root a spatial holding splat nodes, with up-to-date world transforms (not null, unaffected)
     * @return a new box
     */
    static BoundingBox coreBounds(Spatial root) {
        List<Vector3f> pts = new ArrayList<>();
        List<Float> sizes = new ArrayList<>();
        root.depthFirstTraversal(sp -> {
            if (sp instanceof SplatNode sn) {
                float[] p = sn.getCloud().positions();
                int step = Math.max(1, p.length / 3 / 20000);
                for (int i = 0; i < p.length / 3; i += step) {
                    pts.add(sn.getWorldTransform().transformVector(new Vector3f(p[i * 3], p[i * 3 + 1], p[i * 3 + 2]),
                            null));
                    float[] sc = sn.getCloud().scales();
                    sizes.add(sn.getWorldScale().x * Math.max(sc[i * 3], Math.max(sc[i * 3 + 1], sc[i * 3 + 2])));
                }
            }
        });
        if (pts.isEmpty()) {
            return new BoundingBox(new Vector3f(), 1, 1, 1);
        }
        float[] lo = new float[3], hi = new float[3];
        for (int a = 0; a < 3; a++) {
            float[] v = new float[pts.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = pts.get(i).get(a);
            }
            java.util.Arrays.sort(v);
            lo[a] = v[(int) (0.02 * (v.length - 1))];
            hi[a] = v[(int) Math.ceil(0.98 * (v.length - 1))];
        }
        // pad by 3σ of a typical splat, so that a few large splats (or one) are framed too
        java.util.Collections.sort(sizes);
        float pad = 3 * sizes.get(sizes.size() / 2);
        return new BoundingBox(new Vector3f(lo[0] - pad, lo[1] - pad, lo[2] - pad),
                new Vector3f(hi[0] + pad, hi[1] + pad, hi[2] + pad));
    }

    /** A failure on the render thread ends the app and releases a waiting screenshot instead of hanging. */
    @Override
    public void handleError(String errMsg, Throwable t) {
        failure = t != null ? t : new IllegalStateException(errMsg);
        if (grabber != null) {
            grabber.fail(new IllegalStateException(errMsg, t));
            stop();
        } else {
            super.handleError(errMsg, t);
        }
    }

    @Override
    public void simpleInitApp() {
        initialising = true;
        try {
            setDisplayStatView(false);
            setDisplayFps(screenshot == null);
            String[] bg = background.split(",");
            viewPort.setBackgroundColor(new ColorRGBA(Float.parseFloat(bg[0]), Float.parseFloat(bg[1]),
                    Float.parseFloat(bg[2]), 1f));
            SplatLoader.register(assetManager);
            // the viewer opens splat files only, so .glb means KHR_gaussian_splatting here (not a mesh model)
            assetManager.registerLoader(SplatLoader.class, "glb");
            rootNode.attachChild(splats);
            if (files.isEmpty()) {
                splats.attachChild(assetManager.loadModel("Splats/mushroom.ply"));
            } else {
                float x = 0;
                for (Path f : files) {
                    Path abs = f.toAbsolutePath();
                    assetManager.registerLocator(abs.getParent().toString(), FileLocator.class);
                    SplatKey key = new SplatKey(abs.getFileName().toString());
                    key.setSourceFrame("AUTO".equalsIgnoreCase(frameOption) ? null
                            : SplatFrame.valueOf(frameOption.toUpperCase(java.util.Locale.ROOT)));
                    Spatial s = assetManager.loadModel(key);
                    assetManager.unregisterLocator(abs.getParent().toString(), FileLocator.class);
                    s.updateGeometricState(); // not attached yet: it is its own root
                    BoundingBox b = coreBounds(s);
                    float w = Math.max(1e-3f, b.getXExtent() * 2);
                    s.setLocalTranslation(x + w / 2 - b.getCenter().x, -b.getCenter().y, -b.getCenter().z);
                    x += w * 1.1f;
                    splats.attachChild(s);
                }
            }
            rootNode.updateGeometricState();
            // frame the bulk of the splats, not stray floaters far away: 2nd..98th percentile per axis
            BoundingBox core = coreBounds(splats);
            Vector3f centre = core.getCenter().clone();
            float radius = Math.max(1e-3f,
                    new Vector3f(core.getXExtent(), core.getYExtent(), core.getZExtent()).length());
            Node target = new Node("target");
            target.setLocalTranslation(centre);
            rootNode.attachChild(target);
            rootNode.addLight(new DirectionalLight(new Vector3f(-0.4f, -1f, -0.3f).normalizeLocal(),
                    ColorRGBA.White.mult(0.9f)));
            rootNode.addLight(new AmbientLight(ColorRGBA.White.mult(0.45f)));
            if (ground) {
                Geometry g = new Geometry("ground", new Box(radius * 1.5f, 0.01f, radius * 1.5f));
                Material m = new Material(assetManager, "Common/MatDefs/Light/Lighting.j3md");
                m.setColor("Diffuse", new ColorRGBA(0.45f, 0.5f, 0.42f, 1));
                m.setBoolean("UseMaterialColors", true);
                g.setMaterial(m);
                g.setLocalTranslation(centre.x, centre.y - radius * 0.75f, centre.z);
                rootNode.attachChild(g);
            }
            rootNode.attachChild(meshes);
            if (meshOut != null) {
                // headless/CLI: convert now so that the screenshot shows the result
                convertToMeshes(meshOut);
                rootNode.updateGeometricState();
                BoundingBox both = coreBounds(splats);
                if (meshes.getWorldBound() instanceof BoundingBox mb) {
                    both.mergeLocal(mb);
                }
                centre = both.getCenter().clone();
                radius = new Vector3f(both.getXExtent(), both.getYExtent(), both.getZExtent()).length();
                target.setLocalTranslation(centre);
            }
            float dist = radius / FastMath.tan(FastMath.DEG_TO_RAD * 22.5f) * 1.1f;
            cam.setFrustumPerspective(45f, (float) cam.getWidth() / cam.getHeight(), dist * 0.01f, dist * 100f);
            flyCam.setEnabled(false);
            chase = new ChaseCamera(cam, target, inputManager);
            chase.setSmoothMotion(false);
            chase.setDefaultDistance(dist);
            chase.setMaxDistance(dist * 10);
            chase.setMinDistance(radius * 0.2f);
            chase.setDefaultHorizontalRotation(FastMath.DEG_TO_RAD * (90 + azimuth));
            chase.setDefaultVerticalRotation(FastMath.DEG_TO_RAD * elevation);
            chase.setMinVerticalRotation(-FastMath.HALF_PI + 0.01f);
            chase.setDragToRotate(true);
            chase.setInvertVerticalAxis(true);
            stateManager.attach(new ScreenshotAppState("", "splat-viewer-"));
            inputManager.addMapping("toMesh", new KeyTrigger(KeyInput.KEY_M));
            inputManager.addListener((ActionListener) (name, pressed, tpf) -> {
                if (pressed && converting.compareAndSet(false, true)) {
                    Path out = meshOut != null ? meshOut : Path.of("out", "splat-mesh.glb");
                    System.out.println("converting to a mesh on a worker thread → " + out);
                    java.util.concurrent.CompletableFuture.runAsync(() -> {
                        try {
                            List<Spatial> made = buildMeshes(out);
                            enqueue(() -> made.forEach(meshes::attachChild));
                        } catch (Exception e) {
                            System.err.println("splat-viewer: mesh conversion failed: " + describe(e));
                        } finally {
                            converting.set(false);
                        }
                    });
                }
            }, "toMesh");
            inputManager.addMapping("resetView", new KeyTrigger(KeyInput.KEY_R));
            inputManager.addListener((ActionListener) (name, pressed, tpf) -> {
                if (pressed) {
                    chase.setDefaultHorizontalRotation(FastMath.DEG_TO_RAD * (90 + azimuth));
                    chase.setDefaultVerticalRotation(FastMath.DEG_TO_RAD * elevation);
                }
            }, "resetView");
            if (grabber != null) {
                guiViewPort.addProcessor(grabber);
            }
        } catch (RuntimeException | java.io.IOException e) {
            LOG.log(Level.FINE, "cannot open the splats", e);
            failure = e;
            if (grabber != null) {
                grabber.fail(e);
            }
            stop();
        }
    }
}
