package io.github.gen3d.bench;

import com.jme3.app.Application;
import com.jme3.math.FastMath;
import com.jme3.math.Vector3f;
import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.splat.SplatNode;
import io.github.gen3d.splat.SplatNodeStats;
import io.github.gen3d.testing.HeadlessApp;
import io.github.gen3d.testing.UpdateState;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * Frame time of the GPU splat renderer at 1280×720 with the camera orbiting (so the background sort runs all the
 * time): one benchmark operation is one rendered frame, fps = 1000 / (ms/op). Needs an X display:
 *
 * <pre>
 * XDG_RUNTIME_DIR=/tmp xvfb-run -a -s '-screen 0 1280x720x24' \
 *   mvn -B -o -pl jme-plugin -Pbench test-compile exec:exec -Dbench.args='GpuBench -f 1'
 * </pre>
 *
 * <p>The cloud: centres uniform in a unit ball, splat size about half the mean spacing (so the ball looks filled
 * at any count), random rotations and opacities, SH degree 3. The camera circles at distance 3 at 30°/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Djava.awt.headless=true"})
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
public class GpuBench {
    @Param({"100000", "1000000"})
    int n;

    private HeadlessApp gl;
    private SplatNode node;
    private long frames;

    @Setup(Level.Trial)
    public void setup() {
        GaussianCloud cloud = cloud(n, 3, 42L);
        gl = HeadlessApp.start(1280, 720, TimeUnit.HOURS.toMillis(1));
        gl.run(app -> {
            app.getCamera().setFrustumPerspective(50, 1280f / 720f, 0.2f, 100f);
            node = new SplatNode(cloud, "bench", app.getAssetManager());
            app.getRootNode().attachChild(node);
            app.getStateManager().attach(new Orbit());
        });
        gl.renderFrames(2);
    }

    /** Renders one frame. */
    @Benchmark
    public void frame() {
        gl.renderFrames(1);
        frames++;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        String stats = gl.call(app -> SplatNodeStats.describe(node));
        System.out.println("# GpuBench n=" + n + ": " + frames + " frames, " + stats);
        gl.close();
    }

    /** Moves the camera on a circle of radius 3 around the origin, 30 degrees per second, slightly above. */
    static final class Orbit extends UpdateState {
        private float angle;

        @Override
        public void update(float tpf) {
            angle += tpf * 30 * FastMath.DEG_TO_RAD;
            Vector3f eye = new Vector3f(3 * FastMath.sin(angle), 0.8f, 3 * FastMath.cos(angle));
            getApplication().getCamera().setLocation(eye);
            getApplication().getCamera().lookAt(Vector3f.ZERO, Vector3f.UNIT_Y);
        }
    }

    /**
     * A random cloud filling the unit ball.
     *
     * @param n splats
     * @param degree SH degree
     * @param seed random seed
     * @return a new cloud
     */
    static GaussianCloud cloud(int n, int degree, long seed) {
        Random rnd = new Random(seed);
        GaussianCloud c = new GaussianCloud(n, degree);
        float spacing = (float) Math.cbrt(4.0 / 3.0 * Math.PI / n);
        int k3 = c.shCoefficients() * 3;
        float[] pos = new float[3];
        float[] scale = new float[3];
        float[] q = new float[4];
        for (int i = 0; i < n; i++) {
            do {
                pos[0] = rnd.nextFloat() * 2 - 1;
                pos[1] = rnd.nextFloat() * 2 - 1;
                pos[2] = rnd.nextFloat() * 2 - 1;
            } while (pos[0] * pos[0] + pos[1] * pos[1] + pos[2] * pos[2] > 1);
            for (int a = 0; a < 3; a++) {
                scale[a] = 0.5f * spacing * (0.5f + rnd.nextFloat());
            }
            for (int a = 0; a < 4; a++) {
                q[a] = (float) rnd.nextGaussian();
            }
            c.set(i, pos, scale, q, 0.2f + 0.8f * rnd.nextFloat());
            c.setColour(i, 0.5f + 0.5f * pos[0], 0.5f + 0.5f * pos[1], 0.5f + 0.5f * pos[2]);
            for (int j = 3; j < k3; j++) {
                c.sh()[i * k3 + j] = (float) (0.1 * rnd.nextGaussian());
            }
        }
        return c;
    }
}
