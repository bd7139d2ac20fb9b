package io.github.gen3d.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One input or output tensor of a component's contract, as declared in {@code bundle.json}: its name, its shape
 * (each dimension a fixed size or a symbolic name such as {@code batch} that must agree wherever it appears in one
 * call), its element type and, optionally, the closed range its values lie in. Immutable.
 */
public final class TensorSpec {
    /** Element types a contract may declare. */
    enum DType {
        FLOAT32, INT32, INT64;

        static DType parse(String s) {
            switch (s) {
                case "float32":
                    return FLOAT32;
                case "int32":
                    return INT32;
                case "int64":
                    return INT64;
                default:
                    return null;
            }
        }

        String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String name;
    private final List<Object> dims;
    private final DType dtype;
    private final double min;
    private final double max;

    /**
     * @param name tensor name
     * @param dims each a {@code Long} (fixed size ≥ 1) or a {@code String} (symbolic)
     * @param dtype element type
     * @param min lower bound, or −∞
     * @param max upper bound, or +∞
     */
    TensorSpec(String name, List<Object> dims, DType dtype, double min, double max) {
        this.name = name;
        this.dims = Collections.unmodifiableList(new ArrayList<>(dims));
        this.dtype = dtype;
        this.min = min;
        this.max = max;
    }

    /** @return the tensor's name (not null) */
    public String name() {
        return name;
    }

    /** @return the number of dimensions */
    public int rank() {
        return dims.size();
    }

    /**
     * One dimension of the declared shape.
     *
     * @param axis 0 ≤ axis &lt; rank
     * @return the fixed size, or −1 when the dimension is symbolic
     */
    public long fixedDim(int axis) {
        Object d = dims.get(axis);
        return d instanceof Long ? (Long) d : -1;
    }

    /**
     * One dimension's symbol.
     *
     * @param axis 0 ≤ axis &lt; rank
     * @return the symbolic name (such as {@code batch}), or null when the dimension is fixed
     */
    public String symbol(int axis) {
        Object d = dims.get(axis);
        return d instanceof String ? (String) d : null;
    }

    /** @return the element type as written in bundle.json: {@code float32}, {@code int32} or {@code int64} */
    public String dtype() {
        return dtype.jsonName();
    }

    DType type() {
        return dtype;
    }

    /** @return the smallest allowed value, or negative infinity when unbounded */
    public double min() {
        return min;
    }

    /** @return the largest allowed value, or positive infinity when unbounded */
    public double max() {
        return max;
    }

    /** @return true when a range was declared */
    public boolean hasRange() {
        return min != Double.NEGATIVE_INFINITY || max != Double.POSITIVE_INFINITY;
    }

    /** @return e.g. {@code x [batch, 4, 3, res, res] float32 in [-1.0, 1.0]} (not null) */
    @Override
    public String toString() {
        String s = name + " " + dims + " " + dtype();
        return hasRange() ? s + " in [" + min + ", " + max + "]" : s;
    }
}
