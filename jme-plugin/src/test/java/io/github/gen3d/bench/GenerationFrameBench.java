package io.github.gen3d.bench;

import com.jme3.app.Application;
import com.jme3.light.AmbientLight;
import com.jme3.light.DirectionalLight;
import com.jme3.material.Material;
import com.jme3.math.ColorRGBA;
import com.jme3.math.FastMath;
import com.jme3.math.Vector3f;
import com.jme3.scene.Geometry;
import com.jme3.scene.Node;
import com.jme3.scene.shape.Box;
import io.github.gen3d.service.AssetGenerationState;
import io.github.gen3d.service.AssetGenerator;
import io.github.gen3d.service.GenerationJob;
import io.github.gen3d.service.GenerationRequest;
import io.github.gen3d.splat.SplatNode;
import io.github.gen3d.testing.HeadlessApp;
import io.github.gen3d.testing.UpdateState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Frame time of a small game scene with the {@link AssetGenerationState} attached, with and without a generation
 * running on the worker (issue 6: "frame time stays smooth while a job runs"). One benchmark operation is one
 * rendered frame; JMH's sample mode reports the distribution (p50, p90, p99, max), which is where hitches show.
 *
 * <p>The scene, the same in both modes, 640×360: a lit ground and 24 lit boxes, a 5k-splat cloud, and one generated
 * prop of 16k splats (made with the real default bundle, at 8 steps, before measuring); the camera orbits. In
 * {@code generating} the state always has one category request of 50 DDIM steps in flight (splats, no cache); each
 * finished prop replaces the previous one in the scene, so the hot-load (node swap, texture upload) is measured too
 * and the scene stays the same size.
 *
 * <pre>
 * scripts/headless mvn -B -o -pl jme-plugin -Pbench test-compile exec:exec -Dbench.args='GenerationFrameBench'
 * </pre>
 *
 * <p>{@code -p mode=idle -p workerThreads=1} measures the baseline alone (the thread count does not matter there).
 *
 * <p>The bundle is read from {@code ../assets/Models/gen3d-default} (the module folder is the working directory);
 * {@code -Dgen3d.bench.bundle=DIR} in the JMH JVM arguments picks another one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Djava.awt.headless=true", "-DDJL_OFFLINE=true"})
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 30)
public class GenerationFrameBench {
    /** The window: small, so that llvmpipe (the CPU renderer here) leaves room, as a GPU would. */
    static final int W = 640;
    static final int H = 360;

    /** {@code idle}: the state is attached and the model loaded, nothing runs; {@code generating}: always a job. */
    @Param({"idle", "generating"})
    String mode;

    /** CPU threads the generator's job may use ({@link AssetGenerator.Options#workerThreads()}). */
    @Param({"1", "2"})
    int workerThreads;

    private HeadlessApp gl;
    private Keeper keeper;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        Path bundle = Path.of(System.getProperty("gen3d.bench.bundle", "../assets/Models/gen3d-default"));
        if (!Files.isRegularFile(bundle.resolve("bundle.json"))) {
            throw new IllegalStateException("no model bundle at " + bundle.toAbsolutePath()
                    + " (run from jme-plugin/, or pass -Dgen3d.bench.bundle=DIR)");
        }
        gl = HeadlessApp.start(W, H, TimeUnit.HOURS.toMillis(1));
        AssetGenerationState state = new AssetGenerationState(AssetGenerator.Options.defaults().withBundle(bundle)
                .withWorkerThreads(workerThreads));
        keeper = new Keeper(state);
        gl.run(app -> {
            app.getCamera().setFrustumPerspective(50, (float) W / H, 0.2f, 200f);
            buildScene(app.getRootNode(), app);
            app.getStateManager().attach(state);
            app.getStateManager().attach(keeper);
        });
        state.generator().ready().get(5, TimeUnit.MINUTES);
        // one prop in the scene before measuring, in both modes (a quick one: few steps)
        keeper.steps = 8;
        keeper.keepGenerating = true;
        gl.renderUntil(app -> keeper.finished.get() >= 1, "the first generated prop");
        keeper.steps = 50;
        keeper.keepGenerating = mode.equals("generating");
        if (!keeper.keepGenerating) {
            gl.renderUntil(app -> keeper.inFlight.get() == null, "the worker to be idle");
        }
        keeper.finished.set(0);
    }

    /** Renders one frame. */
    @Benchmark
    public void frame() {
        gl.renderFrames(1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        String failure = keeper.failure.get();
        System.out.println("# GenerationFrameBench mode=" + mode + " workerThreads=" + workerThreads + ": "
                + keeper.finished.get()
                + " props generated and hot-loaded during warm-up and measurement"
                + (failure == null ? "" : ", last failure: " + failure));
        keeper.keepGenerating = false;
        gl.close();
    }

    /** Ground, boxes and a splat cloud, lit. */
    private static void buildScene(Node root, Application app) {
        Material ground = new Material(app.getAssetManager(), "Common/MatDefs/Light/Lighting.j3md");
        ground.setBoolean("UseMaterialColors", true);
        ground.setColor("Diffuse", new ColorRGBA(0.35f, 0.45f, 0.3f, 1));
        ground.setColor("Ambient", new ColorRGBA(0.35f, 0.45f, 0.3f, 1));
        Geometry g = new Geometry("ground", new Box(20, 0.05f, 20));
        g.setMaterial(ground);
        g.setLocalTranslation(0, -0.55f, 0);
        root.attachChild(g);
        for (int i = 0; i < 24; i++) {
            Material m = ground.clone();
            ColorRGBA c = ColorRGBA.randomColor();
            m.setColor("Diffuse", c);
            m.setColor("Ambient", c);
            Geometry b = new Geometry("box" + i, new Box(0.3f, 0.3f, 0.3f));
            b.setMaterial(m);
            float a = i * FastMath.TWO_PI / 24;
            b.setLocalTranslation(6 * FastMath.cos(a), -0.2f, 6 * FastMath.sin(a));
            root.attachChild(b);
        }
        SplatNode cloud = new SplatNode(GpuBench.cloud(5_000, 0, 7L), "cloud", app.getAssetManager());
        cloud.setLocalTranslation(2.5f, 0.2f, 0);
        cloud.setLocalScale(0.5f);
        root.attachChild(cloud);
        DirectionalLight sun = new DirectionalLight(new Vector3f(-0.4f, -1, -0.3f).normalizeLocal());
        root.addLight(sun);
        root.addLight(new AmbientLight(ColorRGBA.White.mult(0.4f)));
    }

    /**
     * Keeps one generation in flight while {@link #keepGenerating}, replaces the previous prop with each new one,
     * and orbits the camera (all on the render thread).
     */
    static final class Keeper extends UpdateState {
        private static final List<String> CATEGORIES = List.of("barrel", "crate", "mushroom", "vase");
        final AssetGenerationState state;
        final AtomicReference<GenerationJob> inFlight = new AtomicReference<>();
        final AtomicInteger finished = new AtomicInteger();
        final AtomicReference<String> failure = new AtomicReference<>();
        volatile boolean keepGenerating;
        volatile int steps = 50;
        private Node prop;
        private long seed;
        private float angle;

        Keeper(AssetGenerationState state) {
            this.state = state;
        }

        @Override
        public void update(float tpf) {
            angle += tpf * 20 * FastMath.DEG_TO_RAD;
            Vector3f eye = new Vector3f(4 * FastMath.sin(angle), 1.2f, 4 * FastMath.cos(angle));
            getApplication().getCamera().setLocation(eye);
            getApplication().getCamera().lookAt(new Vector3f(0, 0, 0), Vector3f.UNIT_Y);
            if (keepGenerating && inFlight.get() == null && state.generator().ready().isDone()) {
                String category = CATEGORIES.get((int) (seed % CATEGORIES.size()));
                GenerationRequest request = GenerationRequest.builder().category(category).seed(seed++)
                        .steps(steps).output(GenerationRequest.Output.SPLATS)
                        .name("prop" + seed).build();
                GenerationJob job = state.generate(request);
                inFlight.set(job);
                state.nodeOf(job).whenComplete((node, error) -> { // the render thread, or the worker on cancel
                    if (node != null) {
                        if (prop != null) {
                            prop.removeFromParent();
                        }
                        prop = node;
                        finished.incrementAndGet();
                    } else {
                        failure.set(String.valueOf(error));
                    }
                    inFlight.set(null);
                });
            }
        }
    }
}
