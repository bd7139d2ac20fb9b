package io.github.gen3d.trainer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.gen3d.model.ModelBundle;
import io.github.gen3d.model.ModelBundleException;
import io.github.gen3d.model.ModelComponent;
import io.github.gen3d.model.Tensor;
import io.github.gen3d.model.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shipped networks never read memory they did not write. oneDNN runs a convolution whose input channels are not
 * a multiple of its SIMD block on a channel-padded copy of the input and does not zero the padding, so a bundle
 * exported without {@code export.py}'s channel padding returned NaN whenever a freed buffer had left NaN there: this
 * test failed 9 to 12 of its 48 calls in each of 3 runs on the stage-7 bundle exported without padding, and the same
 * poisoning made a lone {@code Conv2d(24, 64, 3)} fail 99 of 100 calls (docs/model-bundles.md, "Convolution
 * channels"). Every component of the shipped bundle must return finite outputs here, call after call.
 *
 * <p>{@code -Dgen3d.poisonBundle=FOLDER} runs the same check on another bundle folder.
 */
class StaleMemoryNanTest {
    static final int CALLS = 16;
    static final int POISON_ARRAYS = 48;
    static final int POISON_MAX_FLOATS = 1 << 20;

    @Test
    void everyComponentStaysFiniteOverNanPoisonedMemory() throws Exception {
        String other = System.getProperty("gen3d.poisonBundle");
        try (ModelBundle bundle = other != null ? ModelBundle.load(Path.of(other))
                : ModelBundle.loadResource("Models/gen3d-default");
                NDManager poison = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            List<String> failures = new ArrayList<>();
            Random rnd = new Random(5);
            for (String name : bundle.componentNames()) {
                ModelComponent c = bundle.component(name);
                for (int call = 0; call < CALLS; call++) {
                    poison(poison, rnd);
                    try {
                        c.run(inputs(c, rnd));
                    } catch (ModelBundleException e) {
                        failures.add(name + " call " + call + ": " + e.getMessage());
                    }
                }
            }
            assertTrue(failures.isEmpty(), failures.size() + " of " + CALLS * bundle.componentNames().size()
                    + " calls failed: " + failures);
        }
    }

    /** Fills freshly allocated native buffers with NaN and frees them, so the allocator hands NaN memory out next. */
    private static void poison(NDManager root, Random rnd) {
        try (NDManager scope = root.newSubManager()) {
            for (int i = 0; i < POISON_ARRAYS; i++) {
                scope.full(new Shape(1 + rnd.nextInt(POISON_MAX_FLOATS)), Float.NaN);
            }
        }
    }

    /** Ordinary inputs by the component's contract: batch 2, values inside each declared range. */
    private static Map<String, Tensor> inputs(ModelComponent c, Random rnd) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (TensorSpec s : c.inputs()) {
            long[] shape = new long[s.rank()];
            int n = 1;
            for (int a = 0; a < shape.length; a++) {
                long fixed = s.fixedDim(a);
                shape[a] = fixed > 0 ? fixed : "batch".equals(s.symbol(a)) ? 2 : c.resolution();
                n *= (int) shape[a];
            }
            double lo = s.hasRange() ? s.min() : -3;
            double hi = s.hasRange() ? s.max() : 3;
            boolean integral = !"float32".equals(s.dtype());
            float[] d = new float[n];
            for (int i = 0; i < n; i++) {
                d[i] = integral ? (float) Math.floor(lo + rnd.nextDouble() * (hi - lo + 1))
                        : (float) Math.max(lo, Math.min(hi, rnd.nextGaussian()));
            }
            in.put(s.name(), new Tensor(d, shape));
        }
        return in;
    }
}
