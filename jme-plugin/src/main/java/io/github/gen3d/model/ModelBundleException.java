package io.github.gen3d.model;

import java.io.IOException;

/**
 * A model bundle could not be loaded or one of its components could not be run: a missing or corrupt file, a
 * checksum mismatch, an unsupported or malformed contract, a tensor of the wrong shape, or an engine failure. The
 * message always names the bundle and, where there is one, the component.
 */
public class ModelBundleException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String bundle;
    private final String component;

    /**
     * Creates an exception for a bundle-level or component-level problem.
     *
     * @param bundle the bundle's name, or its location when the name is not known yet (not null)
     * @param component the component's name, or null for a problem with the bundle as a whole
     * @param problem what went wrong (not null)
     * @param cause the underlying failure, or null
     */
    public ModelBundleException(String bundle, String component, String problem, Throwable cause) {
        super(format(bundle, component, problem), cause);
        this.bundle = bundle;
        this.component = component;
    }

    /**
     * Creates an exception for a bundle-level or component-level problem without a cause.
     *
     * @param bundle the bundle's name or location (not null)
     * @param component the component's name, or null
     * @param problem what went wrong (not null)
     */
    public ModelBundleException(String bundle, String component, String problem) {
        this(bundle, component, problem, null);
    }

    /** @return the bundle's name, or its location when it failed before its name was read (not null) */
    public String bundle() {
        return bundle;
    }

    /** @return the component's name, or null for a bundle-level problem */
    public String component() {
        return component;
    }

    private static String format(String bundle, String component, String problem) {
        StringBuilder sb = new StringBuilder("model bundle '").append(bundle).append('\'');
        if (component != null) {
            sb.append(", component '").append(component).append('\'');
        }
        return sb.append(": ").append(problem).toString();
    }
}
