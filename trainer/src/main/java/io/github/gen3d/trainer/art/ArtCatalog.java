package io.github.gen3d.trainer.art;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The game-art assets of an unpacked 0 A.D. {@code art} folder, grouped and split by asset.
 *
 * <ul>
 * <li><b>Assets</b>: every actor file under {@code actors/} except particles, decals, markers, campaign scenery and the
 * {@code temp}/{@code test} folders, resolved by {@link ActorLibrary} (its variant choice seeded from the actor's
 * path), whose meshes and textures exist and which are neither flat nor a line (shortest bounding-box side at least
 * {@link #MIN_THICKNESS} of the longest, middle side at least {@link #MIN_WIDTH} of it), in the order of their seeds
 * (a stable shuffle).</li>
 * <li><b>Groups</b>: actors whose root mesh is the same model — the same file, or the same name up to an LOD or damage
 * suffix ({@code _low}, {@code _lod2}, {@code _damaged}, {@code _destroyed}, ...) — form one group: recolours, LODs,
 * damage states and one mesh under several actor names.</li>
 * <li><b>Split</b>: by group, never by view or actor: bucket = the first 8 bytes of SHA-256(group key) as an unsigned
 * number mod 100; 0–79 train, 80–89 validation, 90–99 test.</li>
 * <li><b>Cap</b>: at most {@code perGroup} actors of a group are kept (the first by path), so that hundreds of
 * soldiers sharing one body mesh do not swamp the data.</li>
 * </ul>
 */
final class ArtCatalog {
    private static final Logger LOG = Logger.getLogger(ArtCatalog.class.getName());
    /** Thinnest accepted shape: shortest bounding-box side over the longest. */
    static final double MIN_THICKNESS = 0.03;
    /** Narrowest accepted shape: middle bounding-box side over the longest (spears, poles and fence lines are left
     * out: at 64 pixels they are a line). */
    static final double MIN_WIDTH = 0.12;
    /** Fewest triangles accepted. */
    static final int MIN_TRIANGLES = 12;
    /** Source package of the assets, recorded in the manifest. */
    static final String PACKAGE = "0ad-data (Debian), public.zip";
    /** Licence of the assets, recorded in the manifest. */
    static final String LICENCE = "CC-BY-SA-3.0 (Wildfire Games, 0 A.D.)";
    private static final Set<String> SKIPPED_FOLDERS = Set.of("particle", "decals", "temp", "markers", "labels",
            "test", "special_fx", "campaigns");
    private static final Pattern SUFFIX = Pattern.compile(
            "(_(low|lod\\d*|damaged?|destroyed|destruction|broken|ruins?|dmg|collapsed?))+$");

    /**
     * One asset.
     *
     * @param actor the actor path relative to {@code actors/}
     * @param group the group key (the root mesh without LOD/damage suffix)
     * @param split the split of its group
     * @param seed the variant-choice seed ({@link #seedOf})
     * @param triangles triangles of all its parts
     * @param meshes the mesh files of its parts
     * @param textures the texture files of its parts
     */
    record Entry(String actor, String group, DatasetSplit split, long seed, int triangles, List<String> meshes,
            List<String> textures) {
    }

    private ArtCatalog() {
    }

    /**
     * Scans an art folder.
     *
     * @param lib the actor library of the folder (not null)
     * @param perGroup most actors kept per group (≥ 1)
     * @return the kept assets, sorted by seed (a stable shuffle)
     * @throws IOException when the folder cannot be listed
     */
    static List<Entry> scan(ActorLibrary lib, int perGroup) throws IOException {
        Path actors = lib.root().resolve("actors");
        if (!Files.isDirectory(actors)) {
            throw new IOException(actors + ": no actors folder (is this an unpacked 0 A.D. art folder?)");
        }
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(actors)) {
            s.filter(p -> p.toString().endsWith(".xml") && Files.isRegularFile(p))
                    .map(p -> actors.relativize(p).toString().replace('\\', '/'))
                    .filter(ArtCatalog::wanted)
                    .forEach(files::add);
        }
        files.sort(Comparator.naturalOrder());
        Map<String, Integer> perGroupCount = new HashMap<>();
        List<Entry> out = new ArrayList<>();
        int skipped = 0;
        for (String actor : files) {
            long seed = seedOf(actor);
            List<ActorLibrary.Part> parts;
            try {
                parts = lib.resolve(actor, seed);
            } catch (IOException e) {
                LOG.fine("skipped " + actor + ": " + e.getMessage());
                skipped++;
                continue;
            }
            if (parts.isEmpty()) {
                skipped++;
                continue;
            }
            Entry e = entry(lib, actor, seed, parts);
            if (e == null) {
                skipped++;
                continue;
            }
            int n = perGroupCount.merge(e.group(), 1, Integer::sum);
            if (n <= perGroup) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparingLong(Entry::seed).thenComparing(Entry::actor));
        LOG.info(String.format("%d actor files, %d assets kept in %d groups (at most %d per group), %d skipped"
                + " (no mesh, missing files, flat, a line or tiny)", files.size(), out.size(), perGroupCount.size(), perGroup,
                skipped));
        return out;
    }

    private static Entry entry(ActorLibrary lib, String actor, long seed, List<ActorLibrary.Part> parts) {
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        int tris = 0;
        List<String> meshes = new ArrayList<>();
        List<String> textures = new ArrayList<>();
        for (ActorLibrary.Part p : parts) {
            PmdMesh m;
            try {
                m = lib.mesh(p.mesh());
            } catch (IOException ex) {
                LOG.fine("skipped " + actor + ": " + ex.getMessage());
                return null;
            }
            if (p.texture() != null && !Files.isRegularFile(lib.textureFile(p.texture()))) {
                LOG.fine("skipped " + actor + ": missing texture " + p.texture());
                return null;
            }
            float[] t = p.transform();
            float[] pos = m.positions();
            for (int i = 0; i < pos.length; i += 3) {
                for (int r = 0; r < 3; r++) {
                    double v = t[3 * r] * pos[i] + t[3 * r + 1] * pos[i + 1] + t[3 * r + 2] * pos[i + 2] + t[9 + r];
                    lo[r] = Math.min(lo[r], v);
                    hi[r] = Math.max(hi[r], v);
                }
            }
            tris += m.triangleCount();
            meshes.add(lib.root().relativize(lib.meshFile(p.mesh())).toString());
            if (p.texture() != null) {
                textures.add(lib.root().relativize(lib.textureFile(p.texture())).toString());
            }
        }
        double[] side = {hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]};
        java.util.Arrays.sort(side);
        if (tris < MIN_TRIANGLES || !(side[2] > 0) || side[0] < MIN_THICKNESS * side[2]
                || side[1] < MIN_WIDTH * side[2]) {
            return null;
        }
        String group = groupOf(parts.get(0).mesh());
        return new Entry(actor, group, splitOf(group), seed, tris, List.copyOf(meshes),
                List.copyOf(textures.stream().distinct().toList()));
    }

    /**
     * @param actorPath an actor path relative to {@code actors/}
     * @return false for particles, decals, markers and test/temp folders
     */
    static boolean wanted(String actorPath) {
        for (String seg : actorPath.split("/")) {
            if (SKIPPED_FOLDERS.contains(seg.toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The group key of a root mesh: its path without {@code .dae} and without LOD or damage suffixes.
     *
     * @param mesh the mesh as the actor names it
     * @return the key
     */
    static String groupOf(String mesh) {
        String m = mesh.toLowerCase(Locale.ROOT);
        if (m.endsWith(".dae")) {
            m = m.substring(0, m.length() - 4);
        }
        return SUFFIX.matcher(m).replaceAll("");
    }

    /**
     * The split of a group: the first 8 bytes of SHA-256(key, UTF-8), unsigned, mod 100; 0–79 train, 80–89
     * validation, 90–99 test.
     *
     * @param group the group key
     * @return the split
     */
    static DatasetSplit splitOf(String group) {
        long bucket = Long.remainderUnsigned(hash(group), 100);
        return bucket < 80 ? DatasetSplit.TRAIN : bucket < 90 ? DatasetSplit.VALIDATION : DatasetSplit.TEST;
    }

    /**
     * The seed of an actor: the first 8 bytes of SHA-256 of its path (stable across machines and Java versions).
     *
     * @param actor the actor path
     * @return the seed
     */
    static long seedOf(String actor) {
        return hash("actor:" + actor);
    }

    private static long hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (d[i] & 0xFF);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /**
     * The manifest record of an asset.
     *
     * @param e the asset
     * @return a JSON-ready map (new)
     */
    static Map<String, Object> describe(Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("actor", "art/actors/" + e.actor());
        m.put("group", e.group());
        m.put("split", e.split().name());
        m.put("triangles", e.triangles());
        m.put("meshes", e.meshes().stream().map(x -> "art/" + x).toList());
        m.put("textures", e.textures().stream().map(x -> "art/" + x).toList());
        m.put("package", PACKAGE);
        m.put("licence", LICENCE);
        return m;
    }
}
