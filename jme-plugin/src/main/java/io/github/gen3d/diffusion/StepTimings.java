package io.github.gen3d.diffusion;

/**
 * Where the time of one sampler step went, in nanoseconds of wall time on the sampling thread. For a batch the
 * figures cover all requests of the step.
 *
 * @param denoiserNanos in {@link MultiViewDenoiser#predictBatch} (both guidance branches)
 * @param reconstructorNanos in {@link GaussianReconstructor#reconstruct}
 * @param renderNanos in {@link ViewRenderer#render}
 * @param schedulerNanos guidance, x0/ε conversions, noise generation and the DDIM update
 * @param totalNanos the whole step, from its start to just before the listener is called (≥ the sum of the others)
 */
public record StepTimings(long denoiserNanos, long reconstructorNanos, long renderNanos, long schedulerNanos,
        long totalNanos) {
    /** No time at all. */
    public static final StepTimings ZERO = new StepTimings(0, 0, 0, 0, 0);

    /** @return the time not in any of the four parts (bookkeeping, copies, checks) */
    public long otherNanos() {
        return totalNanos - denoiserNanos - reconstructorNanos - renderNanos - schedulerNanos;
    }

    /**
     * @param o other timings (not null)
     * @return the field-wise sum
     */
    public StepTimings plus(StepTimings o) {
        return new StepTimings(denoiserNanos + o.denoiserNanos, reconstructorNanos + o.reconstructorNanos,
                renderNanos + o.renderNanos, schedulerNanos + o.schedulerNanos, totalNanos + o.totalNanos);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "StepTimings[denoiser=%.3f ms, reconstructor=%.3f ms, render=%.3f ms, scheduler=%.3f ms, "
                        + "total=%.3f ms]",
                denoiserNanos / 1e6, reconstructorNanos / 1e6, renderNanos / 1e6, schedulerNanos / 1e6,
                totalNanos / 1e6);
    }
}
