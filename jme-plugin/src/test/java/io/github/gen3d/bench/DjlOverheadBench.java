package io.github.gen3d.bench;

import io.github.gen3d.model.DevicePolicy;
import io.github.gen3d.model.ModelBenchAccess;
import io.github.gen3d.model.ModelBundle;
import io.github.gen3d.model.ModelComponent;
import io.github.gen3d.model.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * "DJL overhead": the same TorchScript network timed from DJL and from Python torch in the same run, on the same
 * inputs, with the same intra-op thread count ({@code ai.djl.pytorch.num_threads} here, {@code torch.set_num_threads}
 * and {@code OMP_NUM_THREADS} there; one inter-op thread on both). Networks, made and traced by
 * {@code src/test/python/djl_overhead.py} with a fixed seed: {@code unet}, a 631k-parameter 32/64/128-channel
 * multi-view U-Net on 4 views of 3×64×64 (a realistic per-call workload), and {@code null}, the same contract
 * computing only {@code 0.5·x} (what remains is each caller's fixed per-call cost: copies, dispatch, JNI).
 *
 * <p>The trial setup has Python make the network and time it, then loads it through {@link ModelBundle}; the
 * teardown times Python again and prints the medians and the ratio DJL / Python. {@code run} is the public call
 * (contract checks, copies in and out, sub-manager); {@code forward} is the bare DJL call (copy in, forward,
 * sub-manager closed). Python is Debian's torch 1.13 and DJL ships PyTorch 2.5.1, so the ratio includes the
 * difference between the two builds as well as DJL's own per-call cost.
 *
 * <p>Needs {@code /usr/bin/python3} with {@code python3-torch}. Run from the module folder:
 * {@code mvn -B -o -pl jme-plugin -Pbench test-compile exec:exec -Dbench.args=DjlOverhead}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class DjlOverheadBench {
    private static final int VIEWS = 4;
    private static final int RES = 64;
    private static final Pattern MEDIAN = Pattern.compile("\"median_ms\": ([0-9.eE+-]+)");

    /** Which network: {@code unet} or {@code null}. */
    @Param({"unet", "null"})
    public String model;

    /** Intra-op threads on both sides. */
    @Param({"1"})
    public int threads;

    /** The Python interpreter with torch. */
    @Param({"/usr/bin/python3"})
    public String python;

    /** Python timing calls of the U-Net per measurement (after 5 warm-up calls); 100 times more for null. */
    @Param({"30"})
    public int pythonIters;

    private Path dir;
    private Path script;
    private ModelBundle bundle;
    private ModelComponent denoiser;
    private Tensor x;
    private Tensor t;
    private Tensor cond;
    private double pythonBefore;
    /** per-call nanoseconds of the measurement iterations (JMH runs one benchmark thread) */
    private final long[] samples = new long[1 << 21];
    private int count;
    private boolean measuring;

    /**
     * The inputs, by the same formulas as {@code bench_inputs()} in the Python script.
     *
     * @return x, t, cond
     */
    static Tensor[] inputs() {
        float[] xs = new float[VIEWS * 3 * RES * RES];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) Math.sin(i * 0.01);
        }
        float[] cs = new float[3 * RES * RES];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = (float) (Math.cos(i * 0.02) * 0.9);
        }
        return new Tensor[] {new Tensor(xs, 1, VIEWS, 3, RES, RES), Tensor.ofInts(500), new Tensor(cs, 1, 3, RES,
            RES)};
    }

    private String runPython(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IOException("python " + cmd + " failed: " + out);
        }
        String[] lines = out.split("\n");
        return lines[lines.length - 1];
    }

    private static double field(Pattern p, String json) {
        Matcher m = p.matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + p + " in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    private double pythonMedian() throws IOException, InterruptedException {
        boolean nul = model.equals("null");
        String json = runPython("time", dir.resolve(model).toString(), "--threads", String.valueOf(threads),
                "--warmup", nul ? "500" : "5", "--iters", String.valueOf(nul ? 100 * pythonIters : pythonIters));
        System.out.println("python: " + json);
        return field(MEDIAN, json);
    }

    /**
     * Makes the network with Python, times it there, loads it through the bundle loader and checks that DJL
     * computes what Python computed.
     *
     * @throws Exception if Python or the bundle fails
     */
    @Setup(Level.Trial)
    public void setup() throws Exception {
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        script = Paths.get(System.getProperty("gen3d.djlOverheadScript", "src/test/python/djl_overhead.py"))
                .toAbsolutePath();
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("cannot find " + script + "; run from the jme-plugin folder or set"
                    + " -Dgen3d.djlOverheadScript");
        }
        dir = Files.createTempDirectory("djl-overhead-");
        String made = runPython("make", dir.toString());
        System.out.println("python make: " + made);
        pythonBefore = pythonMedian();
        bundle = ModelBundle.load(dir.resolve(model), DevicePolicy.CPU);
        denoiser = bundle.component("denoiser");
        Tensor[] in = inputs();
        x = in[0];
        t = in[1];
        cond = in[2];
        float[] eps = denoiser.run(x, t, cond).get("eps").data();
        double sum = 0;
        for (float v : eps) {
            sum += Math.abs(v);
        }
        double want = field(Pattern.compile("\"" + model + "_abs_sum\": ([0-9.eE+-]+)"), made);
        System.out.printf("output sum |eps|: DJL %.4f, Python %.4f%n", sum, want);
        if (Math.abs(sum - want) > 1e-4 * want) {
            throw new IllegalStateException("DJL and Python disagree on the output: " + sum + " vs " + want);
        }
    }

    /**
     * Records samples only in measurement iterations.
     *
     * @param params JMH's iteration parameters
     */
    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
    }

    /**
     * Times Python again and prints the comparison.
     *
     * @throws Exception if Python fails
     */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        bundle.close();
        double pythonAfter = pythonMedian();
        long[] copy = java.util.Arrays.copyOf(samples, count);
        java.util.Arrays.sort(copy);
        double djl = count == 0 ? Double.NaN : copy[count / 2] / 1e6;
        double py = (pythonBefore + pythonAfter) / 2;
        System.out.printf("%nDJL overhead, %s, %d thread(s): DJL median %.4f ms over %d calls; Python median %.4f ms"
                + " (before %.4f, after %.4f); ratio DJL/Python = %.3f%n", model, threads, djl, count, py,
                pythonBefore, pythonAfter, djl / py);
        try (var s = Files.walk(dir)) {
            List<Path> all = new ArrayList<>();
            s.forEach(all::add);
            all.sort(Collections.reverseOrder());
            for (Path p : all) {
                Files.delete(p);
            }
        }
    }

    /**
     * The public call: contract checks, copies in and out, per-call sub-manager.
     *
     * @return the outputs
     * @throws IOException if the call fails
     */
    @Benchmark
    public Map<String, Tensor> run() throws IOException {
        long start = System.nanoTime();
        Map<String, Tensor> out = denoiser.run(x, t, cond);
        if (measuring && count < samples.length) {
            samples[count++] = System.nanoTime() - start;
        }
        return out;
    }

    /**
     * The bare DJL call: copy in, forward, sub-manager closed.
     *
     * @return one output value
     * @throws IOException if the call fails
     */
    @Benchmark
    public float forward() throws IOException {
        long start = System.nanoTime();
        float v = ModelBenchAccess.forwardOnce(denoiser, x, t, cond);
        if (measuring && count < samples.length) {
            samples[count++] = System.nanoTime() - start;
        }
        return v;
    }
}
