package io.github.gen3d.model;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in {@code mlp} block: fully connected layers on the last axis, an activation between them (none after
 * the last). Options: {@code hidden} (comma-separated layer widths, may be empty), {@code out} (output width),
 * {@code activation} ({@code relu}, {@code silu}, {@code tanh} or {@code none}; default relu). The input width
 * comes from the contract's input shape when the block is initialised. A small real block type for per-point heads
 * (e.g. mapping features to Gaussian parameters) and the test of the DJL {@code .params} path.
 */
final class MlpBlockFactory implements BlockFactory {
    static final String NAME = "mlp";
    private static final Set<String> KEYS = Set.of("hidden", "out", "activation");
    private static final int MAX_WIDTH = 1 << 16;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Block create(Map<String, String> options) {
        for (String k : options.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown mlp option \"" + k + "\" (known: hidden, out,"
                        + " activation)");
            }
        }
        List<Integer> widths = new ArrayList<>();
        String hidden = options.getOrDefault("hidden", "").trim();
        if (!hidden.isEmpty()) {
            for (String w : hidden.split(",")) {
                widths.add(width(w.trim(), "hidden"));
            }
        }
        String out = options.get("out");
        if (out == null) {
            throw new IllegalArgumentException("mlp needs option \"out\" (the output width)");
        }
        widths.add(width(out.trim(), "out"));
        String act = options.getOrDefault("activation", "relu");
        if (!Set.of("relu", "silu", "tanh", "none").contains(act)) {
            throw new IllegalArgumentException("mlp activation must be relu, silu, tanh or none, got \"" + act + "\"");
        }
        SequentialBlock block = new SequentialBlock();
        for (int i = 0; i < widths.size(); i++) {
            block.add(Linear.builder().setUnits(widths.get(i)).build());
            if (i + 1 < widths.size()) {
                switch (act) {
                    case "relu":
                        block.add(Activation::relu);
                        break;
                    case "silu":
                        // x·sigmoid(x): DJL's swish(Number) keeps a scalar operand that autograd can lose
                        block.add(list -> new NDList(
                                list.singletonOrThrow().mul(Activation.sigmoid(list.singletonOrThrow()))));
                        break;
                    case "tanh":
                        block.add(Activation::tanh);
                        break;
                    default:
                        break;
                }
            }
        }
        return block;
    }

    private static int width(String s, String option) {
        int w;
        try {
            w = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("mlp option \"" + option + "\" must hold integers, got \"" + s + "\"");
        }
        if (w < 1 || w > MAX_WIDTH) {
            throw new IllegalArgumentException("mlp layer width must be in [1, " + MAX_WIDTH + "], got " + w);
        }
        return w;
    }
}
