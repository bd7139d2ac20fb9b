package io.github.gen3d.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Test-scope bridge that lets {@code io.github.gen3d.bench.DjlOverheadBench} time the bare DJL call of a component
 * (inputs copied onto the device, forward, sub-manager closed) without the contract checks and output copy that
 * {@link ModelComponent#run(Tensor...)} adds.
 */
public final class ModelBenchAccess {
    private ModelBenchAccess() {
    }

    /**
     * One bare call in its own sub-manager.
     *
     * @param c the component (not null)
     * @param inputs one tensor per declared input, already valid (not null)
     * @return the first output's first value, so the call cannot be optimised away
     * @throws ModelBundleException if the bundle is closed
     */
    public static float forwardOnce(ModelComponent c, Tensor... inputs) throws ModelBundleException {
        try (NDManager scope = c.manager().newSubManager()) {
            NDList in = new NDList(inputs.length);
            for (int i = 0; i < inputs.length; i++) {
                Shape shape = new Shape(inputs[i].shape());
                float[] d = inputs[i].data();
                NDArray a;
                if (c.inputs().get(i).type() == TensorSpec.DType.INT64) {
                    long[] v = new long[d.length];
                    for (int k = 0; k < d.length; k++) {
                        v[k] = (long) d[k];
                    }
                    a = scope.create(v, shape);
                } else {
                    a = scope.create(d, shape);
                }
                in.add(a);
            }
            return c.forward(scope, in).get(0).getFloat(0, 0, 0, 0, 0);
        }
    }
}
