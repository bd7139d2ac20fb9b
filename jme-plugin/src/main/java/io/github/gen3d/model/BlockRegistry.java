package io.github.gen3d.model;

import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The named {@link BlockFactory} instances: built-ins, registered ones and ServiceLoader ones. */
final class BlockRegistry {
    private static final Logger LOG = Logger.getLogger(BlockRegistry.class.getName());
    private static final Map<String, BlockFactory> FACTORIES = new ConcurrentHashMap<>();
    private static volatile boolean discovered;

    static {
        FACTORIES.put(MlpBlockFactory.NAME, new MlpBlockFactory());
    }

    private BlockRegistry() {
    }

    static void register(BlockFactory factory) {
        if (factory == null || factory.name() == null) {
            throw new IllegalArgumentException("factory and its name must not be null");
        }
        FACTORIES.put(factory.name(), factory);
    }

    /**
     * @param name a factory name
     * @return the factory, or null when none has that name
     */
    static BlockFactory find(String name) {
        discover();
        return FACTORIES.get(name);
    }

    private static void discover() {
        if (discovered) {
            return;
        }
        synchronized (BlockRegistry.class) {
            if (discovered) {
                return;
            }
            try {
                for (BlockFactory f : ServiceLoader.load(BlockFactory.class, BlockRegistry.class.getClassLoader())) {
                    FACTORIES.putIfAbsent(f.name(), f);
                }
            } catch (ServiceConfigurationError e) {
                LOG.log(Level.WARNING, "a BlockFactory service could not be loaded", e);
            }
            discovered = true;
        }
    }
}
