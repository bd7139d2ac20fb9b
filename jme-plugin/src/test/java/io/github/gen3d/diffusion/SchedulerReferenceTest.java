package io.github.gen3d.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.diffusion.SchedulerConfig.BetaSchedule;
import io.github.gen3d.diffusion.SchedulerConfig.TimestepSpacing;
import org.junit.jupiter.api.Test;

/**
 * The schedulers against numbers printed by {@code jme-plugin/src/test/python/scheduler_reference.py}, which
 * re-implements diffusers' formulas (numpy for the timestep spacing, float64 everywhere else; inputs first rounded to
 * float32). Run it with {@code /usr/bin/python3 jme-plugin/src/test/python/scheduler_reference.py}.
 */
class SchedulerReferenceTest {
    /** The script's X, E (model output) and Z (η noise), as float32. */
    private static final float[] X = {0.5f, -0.3f, 1.2f, -1.5f, 0.05f, 2.0f};
    private static final float[] E = {0.1f, -0.2f, 0.3f, 0.05f, -1.0f, 0.7f};
    private static final float[] Z = {0.3f, -0.7f, 1.1f, 0.0f, -0.4f, 0.9f};

    private static void assertClose(double[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
        }
    }

    private static void assertAlphaBars(SchedulerConfig cfg, double[] expected) {
        NoiseSchedule s = NoiseSchedule.of(cfg);
        int[] ts = {0, 1, 499, 999};
        for (int i = 0; i < ts.length; i++) {
            assertEquals(expected[i], s.alphaCumprod(ts[i]), 1e-12 * Math.max(1e-3, expected[i]),
                    cfg.betaSchedule() + " alpha_bar[" + ts[i] + "]");
        }
    }

    @Test
    void alphaBarsOfTheThreeSchedules() {
        // script: np.cumprod(1 - betas(schedule))[[0, 1, 499, 999]]
        assertAlphaBars(SchedulerConfig.defaults(),
                new double[] {0.9999, 0.9997800920720721, 0.07858724288177824, 4.035829765375676e-05});
        assertAlphaBars(SchedulerConfig.stableDiffusion(),
                new double[] {0.99915, 0.9982960278384514, 0.27766965045646763, 0.004660098513077238});
        assertAlphaBars(SchedulerConfig.defaults().withBetas(BetaSchedule.SQUAREDCOS_CAP_V2, 0, 0),
                new double[] {0.999958715775178, 0.9999125759273678, 0.4938435904406382, 2.4287669070348567e-09});
    }

    @Test
    void cosineAlphaBarFollowsTheClosedFormUntilTheCap() {
        // without the 0.999 cap the product telescopes: alpha_bar_t = f((t+1)/T) / f(0),
        // f(u) = cos²((u+0.008)/1.008·π/2)
        NoiseSchedule s = NoiseSchedule.of(SchedulerConfig.defaults().withBetas(BetaSchedule.SQUAREDCOS_CAP_V2, 0, 0));
        double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
        for (int t : new int[] {0, 10, 250, 500, 900, 990}) {
            double u = (t + 1) / 1000.0;
            double expected = Math.pow(Math.cos((u + 0.008) / 1.008 * Math.PI / 2), 2) / f0;
            assertEquals(expected, s.alphaCumprod(t), 1e-12, "t=" + t);
        }
        assertEquals(0.999, s.beta(999), 0.0, "the last beta is capped");
    }

    @Test
    void linearBetasAreNumpyLinspace() {
        // script: betas("linear")[500] and betas("scaled_linear", 0.00085, 0.012)[500], bit for bit
        NoiseSchedule s = NoiseSchedule.of(SchedulerConfig.defaults());
        assertEquals(1e-4, s.beta(0), 0.0);
        assertEquals(0.02, s.beta(999), 0.0);
        assertEquals(0.010059959959959959, s.beta(500), 0.0);
        assertEquals(0.00481495414171188, NoiseSchedule.of(SchedulerConfig.stableDiffusion()).beta(500), 0.0);
    }

    private static int[] timesteps(TimestepSpacing sp, int steps, int offset) {
        return new DdimScheduler(SchedulerConfig.defaults().withTimestepSpacing(sp, offset), steps).timesteps();
    }

    private static int[] range(int from, int step, int count) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = from + i * step;
        }
        return out;
    }

    @Test
    void timestepsForEachSpacing() {
        // script: timesteps(spacing, steps, offset)
        assertArrayEquals(range(980, -20, 50), timesteps(TimestepSpacing.LEADING, 50, 0));
        assertArrayEquals(range(981, -20, 50), timesteps(TimestepSpacing.LEADING, 50, 1));
        assertArrayEquals(range(999, -20, 50), timesteps(TimestepSpacing.TRAILING, 50, 0));
        assertArrayEquals(new int[] {999, 979, 958, 938, 917, 897, 877, 856, 836, 816, 795, 775, 754, 734, 714, 693,
            673, 652, 632, 612, 591, 571, 550, 530, 510, 489, 469, 449, 428, 408, 387, 367, 347, 326, 306, 285, 265,
            245, 224, 204, 183, 163, 143, 122, 102, 82, 61, 41, 20, 0}, timesteps(TimestepSpacing.LINSPACE, 50, 0));
        assertArrayEquals(new int[] {852, 710, 568, 426, 284, 142, 0}, timesteps(TimestepSpacing.LEADING, 7, 0));
        assertArrayEquals(new int[] {999, 856, 713, 570, 428, 285, 142}, timesteps(TimestepSpacing.TRAILING, 7, 0));
        assertArrayEquals(new int[] {999, 832, 666, 500, 333, 166, 0}, timesteps(TimestepSpacing.LINSPACE, 7, 0));
        assertArrayEquals(new int[] {999, 966, 932, 899, 866, 832, 799, 766, 732, 699, 666, 632, 599, 566, 532, 499,
            466, 432, 399, 366, 332, 299, 266, 232, 199, 166, 132, 99, 66, 32},
                timesteps(TimestepSpacing.TRAILING, 30, 0));
        assertArrayEquals(new int[] {667, 334, 1}, timesteps(TimestepSpacing.LEADING, 3, 1));
        assertArrayEquals(new int[] {0}, timesteps(TimestepSpacing.LINSPACE, 1, 0));
        assertArrayEquals(range(999, -1, 1000), timesteps(TimestepSpacing.TRAILING, 1000, 0));
    }

    @Test
    void badStepCountsAndOffsetsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> timesteps(TimestepSpacing.LEADING, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> timesteps(TimestepSpacing.LEADING, 1001, 0));
        // leading 50 steps with offset 20 would reach 1000
        assertThrows(IllegalArgumentException.class, () -> timesteps(TimestepSpacing.LEADING, 50, 20));
        // numpy quirk that diffusers inherits: np.arange(1000, 0, -1000/61) has 62 values, the last -5.7e-13, which
        // becomes timestep -1 (script: len(np.arange(1000, 0, -1000 / 61)) == 62); rejected instead of wrapping
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> timesteps(TimestepSpacing.TRAILING, 61, 0));
        assertTrue(e.getMessage().contains("timestep -1"), e.getMessage());
    }

    @Test
    void ddimEpsilonStepWithClippingAtEtaZeroAndOne() {
        DdimScheduler ddim = new DdimScheduler(SchedulerConfig.defaults(), 50);
        assertEquals(480, ddim.previousTimestep(500));
        SchedulerStep s0 = ddim.step(E, 500, X, 0.0, null);
        assertClose(new double[] {0.4031460150799111, -0.30947013116396804, 0.5934228026775634, -0.26043842969794356,
            -0.6433762635444593, 0.973976335342694}, s0.prevSample(), 2e-7, "prev eta=0");
        assertClose(new double[] {1.0, -0.38698181813614796, 1.0, -1.0, 1.0, 1.0}, s0.predictedX0(), 2e-7, "x0");
        SchedulerStep s1 = ddim.step(E, 500, X, 1.0, Z);
        assertClose(new double[] {0.5194399568878556, -0.5840845430625363, 1.0263577089874363, -0.2653312762677618,
            -0.7136255093614222, 1.2837153653454827}, s1.prevSample(), 2e-7, "prev eta=1");
    }

    @Test
    void ddimVPredictionAndSampleSteps() {
        DdimScheduler v = new DdimScheduler(SchedulerConfig.defaults().withPredictionType(PredictionType.V_PREDICTION),
                50);
        SchedulerStep s = v.step(E, 500, X, 0.0, null);
        assertClose(new double[] {0.49672618748339875, -0.2937764202911918, 1.1903174813461586, -1.5008268227358417,
            0.0804004558639975, 1.9777776703687766}, s.prevSample(), 2e-7, "v prev");
        assertClose(new double[] {0.04342884135912144, 0.10838668032584071, 0.046610373207114975, -0.4663964952431276,
            0.9742602153979875, -0.11437887409804515}, s.predictedX0(), 2e-7, "v x0");
        DdimScheduler x0 = new DdimScheduler(SchedulerConfig.defaults().withPredictionType(PredictionType.SAMPLE)
                .withClipSample(false), 50);
        assertClose(new double[] {0.550007064597273, -0.44466399942944645, 1.4021777500635115, -1.4474248900003568,
            -0.07424670439666951, 2.148540014418404}, x0.step(E, 500, X, 0.5, Z).prevSample(), 2e-7, "sample eta=.5");
    }

    @Test
    void ddimLastStepUsesTheFinalAlpha() {
        // scaled_linear, leading with offset 1: the last timestep is 1, its "previous" is 1 - 20 = -19
        SchedulerConfig sd = SchedulerConfig.stableDiffusion();
        DdimScheduler ddim = new DdimScheduler(sd, 50);
        assertEquals(1, ddim.timesteps()[49]);
        assertEquals(-19, ddim.previousTimestep(1));
        assertEquals(ddim.schedule().alphaCumprod(0), ddim.previousAlphaCumprod(1), 0.0);
        assertClose(new double[] {0.49899960269750804, -0.29769988089614824, 1.1968705686669245, -1.5012485397134823,
            0.06216347208324663, 1.9923557839577508}, ddim.step(E, 1, X, 0.0, null).prevSample(), 2e-7,
                "set_alpha_to_one=false");
        DdimScheduler one = new DdimScheduler(sd.withSetAlphaToOne(true), 50);
        assertClose(new double[] {0.49629509696356117, -0.29199305234349693, 1.188629415372379, -1.503345335305029,
            0.09135706656495701, 1.972786064993969}, one.step(E, 1, X, 0.0, null).prevSample(), 2e-7,
                "set_alpha_to_one=true");
    }

    @Test
    void ddpmStepsForBothVariancesAndSpacings() {
        SchedulerConfig cfg = SchedulerConfig.defaults();
        DdpmScheduler small = new DdpmScheduler(cfg, DdpmScheduler.VarianceType.FIXED_SMALL, 50);
        assertClose(new double[] {0.6305826311884604, -0.5840845430625363, 1.5889548116715375, -1.3933026913716118,
            -0.06356304166088915, 2.2159414187299493}, small.step(E, 500, X, Z).prevSample(), 2e-7, "fixed_small");
        DdpmScheduler large = new DdpmScheduler(cfg, DdpmScheduler.VarianceType.FIXED_LARGE, 50);
        assertClose(new double[] {0.6317660956761854, -0.5868459600438058, 1.5932941813814847, -1.3933026913716118,
            -0.06514099427200025, 2.219491811957991}, large.step(E, 500, X, Z).prevSample(), 2e-7, "fixed_large");
        DdpmScheduler full = new DdpmScheduler(cfg.withPredictionType(PredictionType.V_PREDICTION),
                DdpmScheduler.VarianceType.FIXED_SMALL);
        assertEquals(1000, full.timesteps().length);
        assertEquals(499, full.previousTimestep(500));
        assertClose(new double[] {0.5272618895442532, -0.3680793084498278, 1.303349793231377, -1.4925827932374156,
            0.01258202089928049, 2.0780896372833264}, full.step(E, 500, X, Z).prevSample(), 2e-7, "v, 1000 steps");
        // t = 0: no noise, previous alpha_bar 1
        assertClose(new double[] {0.49902495185650414, -0.2980149130093145, 1.0, -1.0, 0.06000300097011351, 1.0},
                small.step(E, 0, X, null).prevSample(), 2e-7, "t=0");
        // trailing spacing: the previous timestep is the next one in the list (713 -> 570), not t - T/N
        DdpmScheduler tr = new DdpmScheduler(cfg.withTimestepSpacing(TimestepSpacing.TRAILING).withClipSample(false),
                DdpmScheduler.VarianceType.FIXED_SMALL, 7);
        assertEquals(570, tr.previousTimestep(713));
        assertClose(new double[] {1.3215047583557409, -0.9636099709931631, 3.3868506052633616, -3.8994018613946153,
            1.903651874519613, 4.373109870991369}, tr.step(E, 713, X, Z).prevSample(), 2e-6, "trailing 7");
        assertThrows(IllegalArgumentException.class, () -> tr.previousTimestep(712));
        assertThrows(IllegalArgumentException.class, () -> small.step(E, 500, X, null));
    }

    @Test
    void addNoiseAndVelocity() {
        NoiseSchedule s = NoiseSchedule.of(SchedulerConfig.defaults());
        assertClose(new double[] {0.23549168202527188, -0.2757390010064602, 0.622798909515363, -0.3703650749100524,
            -0.9463681626439241, 1.2300609676356185}, s.addNoise(X, E, 500), 2e-7, "add_noise");
        assertClose(new double[] {-0.4522650417564146, 0.23231016264599738, -1.0687009122761861, 1.4544173099084654,
            -0.32693623355093093, -1.725384014997828}, s.velocity(X, E, 500), 2e-7, "velocity");
    }

    @Test
    void ddimRejectsBadArguments() {
        DdimScheduler ddim = new DdimScheduler(SchedulerConfig.defaults(), 10);
        assertThrows(IllegalArgumentException.class, () -> ddim.step(E, 500, X, 0.5, null));
        assertThrows(IllegalArgumentException.class, () -> ddim.step(E, 500, X, -1, null));
        assertThrows(IllegalArgumentException.class, () -> ddim.step(E, 500, new float[3], 0, null));
        assertThrows(IllegalArgumentException.class, () -> ddim.step(E, 1000, X, 0, null));
    }

    @Test
    void noiseSourceMatchesTheSpecifiedAlgorithm() {
        // script: splitmix64(42) and gaussians(seed, n)
        NoiseSource words = new NoiseSource(42);
        assertEquals(0xbdd732262feb6e95L, words.nextLong());
        assertEquals(0x28efe333b266f103L, words.nextLong());
        assertEquals(0x47526757130f9f52L, words.nextLong());
        NoiseSource g = new NoiseSource(42);
        double[] expected = {0.8822489062222688, 1.388473285287707, -0.4508498757188601, 0.6707164409024291,
            0.1883526341159315};
        for (double e : expected) {
            assertEquals(e, g.nextGaussian(), 1e-15);
        }
        assertClose(new double[] {-1.038202319314654, 0.14019829279702123, 1.1747302972400273},
                new NoiseSource(-7).gaussian(3), 1e-7, "seed -7");
    }

    @Test
    void noiseSourceIsStandardNormal() {
        NoiseSource g = new NoiseSource(3);
        int n = 200_000;
        double sum = 0, sq = 0, quart = 0;
        for (int i = 0; i < n; i++) {
            double v = g.nextGaussian();
            sum += v;
            sq += v * v;
            quart += v * v * v * v;
        }
        assertEquals(0, sum / n, 0.01, "mean");
        assertEquals(1, sq / n, 0.015, "variance");
        assertEquals(3, quart / n, 0.06, "fourth moment");
    }

    @Test
    void guidanceCombinesBothBranches() {
        float[] u = {1f, -2f, 0.5f};
        float[] c = {3f, 1f, 0.5f};
        assertArrayEquals(new float[] {11f, 13f, 0.5f}, Guidance.apply(u, c, 5f), 0f);
        assertArrayEquals(u, Guidance.apply(u, c, 0f), 0f);
        assertArrayEquals(c, Guidance.apply(u, c, 1f), 0f);
        assertThrows(IllegalArgumentException.class, () -> Guidance.apply(u, new float[2], 1f));
    }
}
