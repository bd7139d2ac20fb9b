package io.github.gen3d.trainer.art;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The game-art dataset's assets: an unpacked 0 A.D. {@code art} folder scanned by {@link ArtCatalog} (grouped and
 * split by asset), each asset loadable as a textured, normalised {@link ArtAsset}. Thread-safe: each thread resolves
 * actors with its own {@link ActorLibrary}; decoded textures are shared (a bounded cache).
 *
 * <pre>{@code
 * GameArt art = GameArt.open(Path.of("/work/0ad/ex/art"), 4);
 * ArtAsset a = art.load(DatasetSplit.TRAIN, 0);
 * MeshRasterizer.View v = MeshRasterizer.render(a.mesh(), camera, 2, a.surface());
 * }</pre>
 */
public final class GameArt {
    /** Textures kept decoded at once before the cache is emptied. */
    static final int TEXTURE_CACHE = 96;
    private final Path root;
    private final Map<DatasetSplit, List<ArtCatalog.Entry>> splits = new EnumMap<>(DatasetSplit.class);
    private final ThreadLocal<ActorLibrary> libs;
    private final Map<String, ArtTexture> textures = new ConcurrentHashMap<>();

    private GameArt(Path root, List<ArtCatalog.Entry> entries) {
        this.root = root;
        for (DatasetSplit s : DatasetSplit.values()) {
            splits.put(s, new ArrayList<>());
        }
        for (ArtCatalog.Entry e : entries) {
            splits.get(e.split()).add(e);
        }
        this.libs = ThreadLocal.withInitial(() -> {
            try {
                return new ActorLibrary(root);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Scans an unpacked art folder.
     *
     * @param artRoot the folder holding {@code actors/}, {@code meshes/}, {@code textures/skins/}, {@code variants/}
     *        and {@code materials/} (not null)
     * @param perGroup most actors kept per group (≥ 1)
     * @return the assets
     * @throws IOException when the folder is not an art folder
     */
    public static GameArt open(Path artRoot, int perGroup) throws IOException {
        if (perGroup < 1) {
            throw new IllegalArgumentException("perGroup must be ≥ 1, got " + perGroup);
        }
        return new GameArt(artRoot, ArtCatalog.scan(new ActorLibrary(artRoot), perGroup));
    }

    /** @return the art folder */
    public Path root() {
        return root;
    }

    /**
     * @param split the split (not null)
     * @return how many assets it has
     */
    public int count(DatasetSplit split) {
        return splits.get(split).size();
    }

    /**
     * The manifest record of an asset: actor, group, split, mesh and texture files, source package and licence.
     *
     * @param split the split
     * @param index the index in the split
     * @return a JSON-ready map (new)
     */
    public Map<String, Object> describe(DatasetSplit split, int index) {
        return ArtCatalog.describe(splits.get(split).get(index));
    }

    /**
     * The seed of an asset (its variant choice; stable across machines).
     *
     * @param split the split
     * @param index the index in the split
     * @return the seed
     */
    public long seed(DatasetSplit split, int index) {
        return splits.get(split).get(index).seed();
    }

    /**
     * Loads an asset: its actor resolved as the catalog resolved it, meshes merged, textures decoded, normalised.
     *
     * @param split the split
     * @param index the index in the split
     * @return the asset
     * @throws IOException when a file cannot be read; the message names it
     */
    public ArtAsset load(DatasetSplit split, int index) throws IOException {
        ArtCatalog.Entry e = splits.get(split).get(index);
        ActorLibrary lib = libs.get();
        List<ActorLibrary.Part> parts = lib.resolve(e.actor(), e.seed());
        return ArtAsset.assemble(lib, parts, name -> {
            ArtTexture t = textures.get(name);
            if (t == null) {
                t = ArtTexture.read(lib.textureFile(name));
                if (textures.size() >= TEXTURE_CACHE) {
                    textures.clear();
                }
                textures.put(name, t);
            }
            return t;
        });
    }
}
