package io.github.gen3d.diffusion;

/**
 * Inference timesteps as diffusers' {@code set_timesteps} computes them, including numpy's arithmetic: {@code arange}
 * with a float step has {@code ceil((stop − start)/step)} values {@code start + i·delta} where
 * {@code delta = (start + step) − start}, and {@code round} rounds halves to even.
 */
final class Timesteps {
    private Timesteps() {
    }

    /**
     * @param config the configuration (not null)
     * @param steps number of inference steps, 1..T
     * @return the timesteps in sampling order (descending), each in 0..T−1
     * @throws IllegalArgumentException if {@code steps} is out of range or a timestep would fall outside 0..T−1
     */
    static int[] compute(SchedulerConfig config, int steps) {
        int n = config.numTrainTimesteps();
        if (steps < 1 || steps > n) {
            throw new IllegalArgumentException("inference steps must be in 1.." + n + ", got " + steps);
        }
        int[] ts;
        switch (config.timestepSpacing()) {
            case LINSPACE: {
                double[] lin = NoiseSchedule.linspace(0, n - 1, steps);
                ts = new int[steps];
                for (int i = 0; i < steps; i++) {
                    ts[steps - 1 - i] = (int) Math.rint(lin[i]);
                }
                break;
            }
            case LEADING: {
                int ratio = n / steps;
                ts = new int[steps];
                for (int i = 0; i < steps; i++) {
                    ts[steps - 1 - i] = i * ratio + config.stepsOffset();
                }
                break;
            }
            case TRAILING: {
                double step = -((double) n / steps);
                double start = n;
                int len = (int) Math.ceil((0 - start) / step);
                double delta = (start + step) - start;
                ts = new int[len];
                for (int i = 0; i < len; i++) {
                    double v = i == 0 ? start : start + i * delta;
                    ts[i] = (int) Math.rint(v) - 1;
                }
                break;
            }
            default:
                throw new IllegalArgumentException("unknown spacing " + config.timestepSpacing());
        }
        for (int t : ts) {
            if (t < 0 || t >= n) {
                throw new IllegalArgumentException("timestep " + t + " falls outside 0.." + (n - 1) + " ("
                        + config.timestepSpacing() + " spacing, " + steps + " steps, offset " + config.stepsOffset()
                        + ")");
            }
        }
        return ts;
    }
}
