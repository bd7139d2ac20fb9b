package io.github.gen3d.splat;

import com.jme3.asset.AssetInfo;
import com.jme3.asset.AssetKey;
import com.jme3.asset.AssetLoader;
import com.jme3.asset.AssetManager;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * jME asset loader for Gaussian-splat files ({@code .ply}, {@code .splat}, {@code .spz}, {@code .sog}); the result is a
 * {@link SplatNode} that renders the splats, named after the asset path.
 *
 * <pre>{@code
 * SplatLoader.register(assetManager);
 * Spatial splats = assetManager.loadModel("Splats/garden.ply");
 * }</pre>
 *
 * Options (frames) come from a {@link SplatKey}; any other key uses the defaults (format's own frame, converted
 * to jME's). Malformed files fail with an {@code AssetLoadException} whose cause is an {@link IOException}
 * naming the file and the problem. Registering for {@code ply} replaces any other PLY loader on that manager.
 */
public final class SplatLoader implements AssetLoader {
    /** Extensions this loader handles. */
    private static final String[] EXTENSIONS = {"ply", "splat", "spz", "sog"};

    /** Creates a loader (the asset manager does this itself). */
    public SplatLoader() {
    }

    /**
     * Registers this loader for {@code ply}, {@code splat} and {@code spz}.
     *
     * @param assetManager the manager (not null, modified)
     */
    public static void register(AssetManager assetManager) {
        Objects.requireNonNull(assetManager, "assetManager").registerLoader(SplatLoader.class, EXTENSIONS);
    }

    /**
     * Loads one splat file.
     *
     * @param info the asset (not null); its key's name names the file in messages
     * @return a new {@link SplatNode}
     * @throws IOException if the file is malformed or cannot be read
     */
    @Override
    public Object load(AssetInfo info) throws IOException {
        AssetKey<?> key = info.getKey();
        String name = key.getName();
        SplatFrame source = null;
        SplatFrame target = SplatFrame.RUB;
        if (key instanceof SplatKey sk) {
            source = sk.getSourceFrame();
            target = sk.isConvertToJme() ? SplatFrame.RUB : null;
        }
        GaussianCloud cloud;
        try (InputStream in = info.openStream()) {
            if (in == null) {
                throw new IOException(name + ": the asset locator returned no data");
            }
            cloud = SplatIO.read(in, name, source, target);
        }
        // the material needs only the asset manager, so the node is complete before it reaches the render thread
        return new SplatNode(cloud, name, info.getManager());
    }
}
