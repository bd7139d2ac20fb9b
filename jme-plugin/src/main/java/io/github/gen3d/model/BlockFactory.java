package io.github.gen3d.model;

import ai.djl.nn.Block;
import java.util.Map;

/**
 * Makes the Java {@link Block} that a {@code "backend": "djl"} component's {@code .params} file fills in. A
 * component names its factory with {@code "block"} and passes {@code "options"} (strings) to it; the runtime then
 * initialises the block with the component's input shapes (symbolic dimensions set to 1) and loads the parameters
 * that DJL's {@code Model.save} wrote.
 *
 * <p>Factories are found by name among the built-in ones ({@code mlp}: see the package's {@code MlpBlockFactory}),
 * those registered with {@link #register(BlockFactory)}, and those listed in
 * {@code META-INF/services/io.github.gen3d.model.BlockFactory} on the classpath. Implementations must be
 * thread-safe and return a new, uninitialised block from every call.
 */
public interface BlockFactory {
    /** @return the name that bundle.json's {@code "block"} uses (not null, unique) */
    String name();

    /**
     * Builds a new block.
     *
     * @param options the component's {@code "options"} (not null, unmodifiable)
     * @return a new uninitialised block (not null)
     * @throws IllegalArgumentException if an option is missing or malformed (the message is shown to the user)
     */
    Block create(Map<String, String> options);

    /**
     * Registers a factory for this JVM, replacing any earlier one with the same name.
     *
     * @param factory the factory (not null)
     */
    static void register(BlockFactory factory) {
        BlockRegistry.register(factory);
    }
}
