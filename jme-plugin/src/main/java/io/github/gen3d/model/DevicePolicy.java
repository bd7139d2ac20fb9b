package io.github.gen3d.model;

import java.util.Locale;

/**
 * Where a bundle's networks run.
 *
 * <p>{@link #AUTO} reads the system property {@value #PROPERTY} ({@code auto}, {@code cpu} or {@code gpu}) and,
 * when that is absent or {@code auto}, picks the first CUDA device if DJL's PyTorch engine sees one and the bundle
 * allows GPUs, else the CPU. {@link #CPU} and {@link #GPU} are explicit overrides; {@link #GPU} fails when there is no
 * GPU or the bundle does not allow one.
 */
public enum DevicePolicy {
    /** The system property, else CUDA when present and allowed, else CPU. */
    AUTO,
    /** Always the CPU. */
    CPU,
    /** The first CUDA device; an error when there is none or the bundle only allows the CPU. */
    GPU;

    /** The system property that {@link #AUTO} consults: {@code auto}, {@code cpu} or {@code gpu}. */
    public static final String PROPERTY = "gen3d.device";

    /**
     * Resolves {@link #AUTO} through the system property.
     *
     * @return this, or the policy named by the property when this is AUTO (not null)
     * @throws IllegalArgumentException if the property holds an unknown value
     */
    DevicePolicy resolveProperty() {
        if (this != AUTO) {
            return this;
        }
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto":
                return AUTO;
            case "cpu":
                return CPU;
            case "gpu":
            case "cuda":
                return GPU;
            default:
                throw new IllegalArgumentException(
                        "system property " + PROPERTY + " must be auto, cpu or gpu, got '" + value + "'");
        }
    }
}
