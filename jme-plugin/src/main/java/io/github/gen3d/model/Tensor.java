package io.github.gen3d.model;

import java.util.Arrays;

/**
 * A dense row-major tensor of float values with a shape: what goes into and comes out of a
 * {@link ModelComponent}. Integer tensors (timesteps) are carried as floats holding whole numbers and converted to
 * the component's declared type at the call; whole numbers up to 2<sup>24</sup> are exact.
 *
 * <p>The data array is shared, not copied: callers that change it change the tensor.
 */
public final class Tensor {
    private final long[] shape;
    private final float[] data;

    /**
     * Wraps data with a shape.
     *
     * @param data the values, row-major (not null, kept, not copied)
     * @param shape the dimensions, each ≥ 0, whose product equals {@code data.length} (not null, copied)
     * @throws IllegalArgumentException if a dimension is negative or the sizes disagree
     */
    public Tensor(float[] data, long... shape) {
        if (data == null || shape == null) {
            throw new IllegalArgumentException("data and shape must not be null");
        }
        long n = 1;
        boolean overflow = false;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            if (d == 0) {
                n = 0;
                overflow = false;
                break;
            }
            if (!overflow) {
                try {
                    n = Math.multiplyExact(n, d);
                } catch (ArithmeticException e) {
                    overflow = true;
                }
            }
        }
        if (overflow || n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold the "
                    + data.length + " values given");
        }
        this.shape = shape.clone();
        this.data = data;
    }

    /**
     * A rank-1 tensor of whole numbers, e.g. a batch of timesteps.
     *
     * @param values the values (not null, unaffected)
     * @return a new tensor of shape {@code [values.length]} (not null)
     */
    public static Tensor ofInts(int... values) {
        float[] d = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return new Tensor(d, values.length);
    }

    /** @return a copy of the shape (not null) */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * One dimension.
     *
     * @param axis 0 ≤ axis &lt; rank
     * @return its size
     */
    public long dim(int axis) {
        return shape[axis];
    }

    /** @return the number of dimensions */
    public int rank() {
        return shape.length;
    }

    /** @return the values, row-major (live, not a copy) */
    public float[] data() {
        return data;
    }

    /** @return the shape and size, not the values (not null) */
    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
