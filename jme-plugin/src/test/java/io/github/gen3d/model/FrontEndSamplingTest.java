package io.github.gen3d.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.diffusion.DenoiserCall;
import io.github.gen3d.diffusion.MultiViewDenoiser;
import io.github.gen3d.diffusion.NoiseSchedule;
import io.github.gen3d.diffusion.PredictionType;
import io.github.gen3d.diffusion.SchedulerConfig;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link BundleFrontEnd}'s DDIM loop against an analytic oracle: a v-prediction "network" that returns the exact
 * velocity towards a fixed clean picture per label (and another for the null label), so that DDIM must land on that
 * picture, and guidance on the linear blend of the two.
 */
class FrontEndSamplingTest {
    private static final int RES = 4;
    private static final int LEN = 3 * RES * RES;
    private static final List<String> NAMES = List.of("crate", "barrel", "Mushroom");
    private static final SchedulerConfig CONFIG = SchedulerConfig.defaults()
            .withBetas(SchedulerConfig.BetaSchedule.SQUAREDCOS_CAP_V2, 1e-4, 0.02)
            .withTimestepSpacing(SchedulerConfig.TimestepSpacing.TRAILING)
            .withSetAlphaToOne(false)
            .withPredictionType(PredictionType.V_PREDICTION);

    /** The clean picture of a label (−1: the unconditional one): smooth values well inside [−0.3, 0.3]. */
    static float[] target(int label) {
        float[] x0 = new float[LEN];
        for (int i = 0; i < LEN; i++) {
            x0[i] = (float) (0.3 * Math.sin(0.7 * i + 1.3 * label));
        }
        return x0;
    }

    /** Returns v = (√ᾱ·x − x0)/√(1 − ᾱ) for the label's x0; counts the unconditional calls. */
    static final class Oracle implements MultiViewDenoiser {
        final NoiseSchedule schedule = NoiseSchedule.of(CONFIG);
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger unconditional = new AtomicInteger();

        @Override
        public PredictionType predictionType() {
            return PredictionType.V_PREDICTION;
        }

        @Override
        public int viewCount() {
            return 1;
        }

        @Override
        public int channels() {
            return 3;
        }

        @Override
        public int height() {
            return RES;
        }

        @Override
        public int width() {
            return RES;
        }

        @Override
        public float[] predict(DenoiserCall call) {
            calls.incrementAndGet();
            int label = call.unconditional() ? -1 : call.condition().classLabel();
            if (call.unconditional()) {
                unconditional.incrementAndGet();
            }
            float[] x0 = target(label);
            double a = schedule.alphaCumprod(call.timestep());
            double sa = Math.sqrt(a);
            double sb = Math.sqrt(1 - a);
            float[] v = new float[LEN];
            for (int i = 0; i < LEN; i++) {
                v[i] = (float) ((sa * call.noisyViews()[i] - x0[i]) / sb);
            }
            return v;
        }
    }

    static BundleFrontEnd frontEnd(Oracle oracle) {
        return new BundleFrontEnd(oracle, CONFIG, NAMES, "oracle");
    }

    static void assertClose(float[] want, float[] got, double tol) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol, "index " + i);
        }
    }

    @Test
    void guidanceOneLandsOnTheLabelsPictureWithoutUnconditionalCalls() {
        Oracle oracle = new Oracle();
        float[] p = frontEnd(oracle).draw(2, 7L, 50, 1f);
        assertClose(target(2), p, 1e-4);
        assertEquals(50, oracle.calls.get());
        assertEquals(0, oracle.unconditional.get());
    }

    @Test
    void guidanceBlendsConditionalAndUnconditionalPictures() {
        Oracle oracle = new Oracle();
        float g = 1.5f;
        float[] p = frontEnd(oracle).draw(1, 7L, 20, g);
        float[] c = target(1);
        float[] u = target(-1);
        float[] want = new float[LEN];
        for (int i = 0; i < LEN; i++) {
            want[i] = u[i] + g * (c[i] - u[i]);
        }
        assertClose(want, p, 1e-4);
        assertEquals(20, oracle.unconditional.get());
    }

    @Test
    void labelMinusOneDrawsTheUnconditionalPictureAndGuidanceIsClamped() {
        Oracle oracle = new Oracle();
        assertClose(target(-1), frontEnd(oracle).draw(-1, 3L, 10, 3f), 1e-4);
        assertEquals(0, oracle.unconditional.get());
        float[] strong = frontEnd(new Oracle()).draw(0, 3L, 10, 40f);
        for (float v : strong) {
            assertTrue(v >= -1f && v <= 1f, "value " + v);
        }
    }

    @Test
    void aBatchEqualsSingleDrawsAndUsesOneCallListPerStep() {
        BundleFrontEnd f = frontEnd(new Oracle());
        List<float[]> batch = f.drawBatch(new int[] {0, 2, -1}, new long[] {1L, 2L, 3L}, 5, 2f);
        assertClose(f.draw(0, 1L, 5, 2f), batch.get(0), 0);
        assertClose(f.draw(2, 2L, 5, 2f), batch.get(1), 0);
        assertClose(f.draw(-1, 3L, 5, 2f), batch.get(2), 0);
    }

    @Test
    void labelsAreLookedUpIgnoringCaseAndUnknownNamesListTheKnownOnes() {
        BundleFrontEnd f = frontEnd(new Oracle());
        assertEquals(NAMES, f.labels());
        assertEquals(1, f.labelOf("BARREL"));
        assertEquals(2, f.labelOf("mushroom"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.labelOf("dragon"));
        assertTrue(e.getMessage().contains("dragon") && e.getMessage().contains("[crate, barrel, Mushroom]"),
                e.getMessage());
    }

    @Test
    void argumentsOutOfRangeAreRefused() {
        BundleFrontEnd f = frontEnd(new Oracle());
        assertThrows(IllegalArgumentException.class, () -> f.draw(3, 1L, 5, 1f));
        assertThrows(IllegalArgumentException.class, () -> f.draw(-2, 1L, 5, 1f));
        assertThrows(IllegalArgumentException.class, () -> f.draw(0, 1L, 0, 1f));
        assertThrows(IllegalArgumentException.class, () -> f.draw(0, 1L, 1001, 1f));
        assertThrows(IllegalArgumentException.class, () -> f.draw(0, 1L, 5, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> f.drawBatch(new int[] {0}, new long[] {1L, 2L}, 5, 1f));
    }

    @Test
    void anInterruptedThreadCancelsTheDraw() {
        Oracle oracle = new Oracle();
        Thread.currentThread().interrupt();
        try {
            assertThrows(CancellationException.class, () -> frontEnd(oracle).draw(0, 1L, 5, 1f));
            assertEquals(0, oracle.calls.get());
        } finally {
            Thread.interrupted();
        }
    }
}
