package io.github.gen3d.trainer.art;

import io.github.gen3d.trainer.SplitMix64;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Resolves 0 A.D. actors ({@code art/actors/**.xml}) into the textured parts that make them up, as the game does at
 * its highest quality level: per group of variants one variant is chosen (weighted by {@code frequency}, with a
 * seeded generator; the first when no variant has a frequency), variant files ({@code art/variants/**}) are merged in,
 * later groups override the mesh, the {@code baseTex} texture, the colour and the prop at an attach point, and the
 * props are resolved recursively and placed at their prop points in the rest pose.
 *
 * <p>Files: {@code ROOT/actors}, {@code ROOT/variants}, {@code ROOT/meshes/X.dae.cached.pmd} for mesh {@code X.dae},
 * {@code ROOT/textures/skins/T.cached.dds} (or {@code T} itself) for texture {@code T}, {@code ROOT/materials}. Not
 * thread-safe: use one library per thread (it caches parsed XML files, and the last {@value #MESH_CACHE} meshes
 * read, so that resolving an actor and assembling it read each mesh once).
 */
final class ActorLibrary {
    /** 0 A.D.'s quality level "high" (low 0, medium 100). */
    static final int QUALITY_HIGH = 200;
    /** Deepest prop nesting followed. */
    static final int MAX_DEPTH = 4;
    /** Meshes kept parsed (least recently used dropped first). */
    static final int MESH_CACHE = 256;
    private final Path root;
    private final DocumentBuilder xml;
    private final Map<String, Element> parsed = new HashMap<>();
    private final Map<String, Material> materials = new HashMap<>();
    private final Map<String, PmdMesh> meshes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PmdMesh> eldest) {
            return size() > MESH_CACHE;
        }
    };

    /**
     * How a material uses the texture's alpha.
     *
     * @param alphaTest alpha is coverage (0 A.D.'s USE_TRANSPARENT): samples below 0.5 are discarded
     * @param colourMask alpha masks a tint (USE_PLAYERCOLOR / USE_OBJECTCOLOR): colour × mix(tint, 1, alpha)
     */
    record Material(boolean alphaTest, boolean colourMask) {
    }

    /**
     * One textured mesh of an actor.
     *
     * @param mesh the mesh path relative to {@code ROOT/meshes} (as in the actor, e.g. {@code props/barrel.dae})
     * @param texture the {@code baseTex} path relative to {@code ROOT/textures/skins}, or null for none
     * @param material how the texture's alpha is used
     * @param tint the tint for colour-masked materials (linear RGB), or null
     * @param transform rest-pose placement in the root actor's frame (row-major rotation 9, translation 3)
     * @param actor the actor file it came from (relative to {@code ROOT/actors})
     */
    record Part(String mesh, String texture, Material material, float[] tint, float[] transform, String actor) {
    }

    ActorLibrary(Path root) throws IOException {
        this.root = root;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setExpandEntityReferences(false);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            this.xml = f.newDocumentBuilder();
        } catch (Exception e) {
            throw new IOException("cannot create an XML parser", e);
        }
    }

    /** @return the art root */
    Path root() {
        return root;
    }

    /**
     * Resolves an actor.
     *
     * @param actor path relative to {@code ROOT/actors} (not null)
     * @param seed seed for the variant choice
     * @return its parts, root first (empty when it has no mesh)
     * @throws IOException when a file is missing or malformed; the message names it
     */
    List<Part> resolve(String actor, long seed) throws IOException {
        List<Part> out = new ArrayList<>();
        resolve(actor, new SplitMix64(seed), Transforms.IDENTITY, 0, out);
        return out;
    }

    /**
     * The mesh file of a mesh name.
     *
     * @param mesh the mesh as actors name it
     * @return {@code ROOT/meshes/mesh.cached.pmd}
     */
    Path meshFile(String mesh) {
        return root.resolve("meshes").resolve(mesh + ".cached.pmd");
    }

    /**
     * A mesh, read once and kept while it is among the last {@value #MESH_CACHE} used.
     *
     * @param mesh the mesh as actors name it
     * @return the parsed mesh
     * @throws IOException when it cannot be read or is not a valid PMD file; the message names the file
     */
    PmdMesh mesh(String mesh) throws IOException {
        PmdMesh m = meshes.get(mesh);
        if (m == null) {
            m = PmdMesh.read(meshFile(mesh));
            meshes.put(mesh, m);
        }
        return m;
    }

    /**
     * The texture file of a texture name.
     *
     * @param texture the texture as actors name it
     * @return the cached {@code .dds} when present, else the file itself
     */
    Path textureFile(String texture) {
        Path skins = root.resolve("textures").resolve("skins");
        Path cached = skins.resolve(texture + ".cached.dds");
        return Files.isRegularFile(cached) ? cached : skins.resolve(texture);
    }

    private void resolve(String actor, SplitMix64 rng, double[] place, int depth, List<Part> out) throws IOException {
        Element a = actorElement(actor);
        String mesh = null, texture = null, material = null;
        float[] tint = null;
        Map<String, String> props = new LinkedHashMap<>();
        for (Element group : children(a, "group")) {
            List<Element> vs = new ArrayList<>();
            for (Element v : children(group, "variant")) {
                if (quality(v.getAttribute("minquality"), 0) <= QUALITY_HIGH
                        && QUALITY_HIGH < quality(v.getAttribute("maxquality"), Integer.MAX_VALUE)) {
                    vs.add(v);
                }
            }
            Element chosen = choose(vs, rng);
            if (chosen == null) {
                continue;
            }
            List<Element> layers = new ArrayList<>();
            collectVariant(chosen, layers, 0);
            for (Element v : layers) {
                Element m = child(v, "mesh");
                if (m != null && !m.getTextContent().isBlank()) {
                    mesh = m.getTextContent().trim();
                }
                Element texs = child(v, "textures");
                if (texs != null) {
                    for (Element t : children(texs, "texture")) {
                        if ("baseTex".equals(t.getAttribute("name"))) {
                            texture = t.getAttribute("file");
                        }
                    }
                }
                Element c = child(v, "color");
                if (c != null) {
                    tint = parseColour(c.getTextContent(), actor);
                }
                Element ps = child(v, "props");
                if (ps != null) {
                    for (Element p : children(ps, "prop")) {
                        props.put(p.getAttribute("attachpoint"), p.getAttribute("actor"));
                    }
                }
            }
        }
        Element mat = child(a, "material");
        if (mat != null) {
            material = mat.getTextContent().trim();
        }
        if (mesh == null) {
            return;
        }
        Material m = material(material);
        out.add(new Part(mesh, texture, m, m.colourMask() && tint == null ? defaultTint(rng) : tint,
                Transforms.toFloat(place), actor));
        if (depth >= MAX_DEPTH) {
            return;
        }
        PmdMesh pmd = null;
        for (Map.Entry<String, String> p : props.entrySet()) {
            String child = p.getValue();
            if (child == null || child.isBlank()) {
                continue;
            }
            double[] at;
            if ("root".equals(p.getKey())) {
                at = place;
            } else {
                if (pmd == null) {
                    pmd = mesh(mesh);
                }
                PmdMesh.PropPoint point = pmd.propPoints().get("prop-" + p.getKey());
                if (point == null) {
                    point = pmd.propPoints().get(p.getKey());
                }
                if (point == null) {
                    continue; // the mesh has no such point (e.g. garrison flags on a plain prop): not drawn
                }
                at = Transforms.compose(place, Transforms.toDouble(pmd.propTransform(point)));
            }
            if (Files.isRegularFile(root.resolve("actors").resolve(child))) {
                resolve(child, rng, at, depth + 1, out);
            }
        }
    }

    /** The actor element of a file, at the highest quality level. */
    private Element actorElement(String actor) throws IOException {
        Element doc = parse(root.resolve("actors").resolve(actor));
        if ("actor".equals(doc.getTagName())) {
            return doc;
        }
        if (!"qualitylevels".equals(doc.getTagName())) {
            throw new IOException(root.resolve("actors").resolve(actor) + ": neither <actor> nor <qualitylevels>");
        }
        Element best = null;
        int bestQ = -1;
        for (Element e : children(doc, "actor")) {
            int q = quality(e.getAttribute("quality"), Integer.MAX_VALUE);
            if (q > bestQ) {
                bestQ = q;
                best = e;
            }
        }
        if (best != null && best.hasAttribute("inline")) {
            Element inline = child(doc, "inline");
            if (inline == null) {
                throw new IOException(root.resolve("actors").resolve(actor) + ": inline actor without <inline>");
            }
            return inline;
        }
        if (best != null && best.hasAttribute("file")) {
            return actorElement(best.getAttribute("file"));
        }
        if (best != null) {
            return best;
        }
        throw new IOException(root.resolve("actors").resolve(actor) + ": no actor at any quality level");
    }

    private void collectVariant(Element v, List<Element> layers, int depth) throws IOException {
        String file = v.getAttribute("file");
        if (!file.isEmpty() && depth < 8) {
            Path p = root.resolve("variants").resolve(file);
            if (Files.isRegularFile(p)) {
                collectVariant(parse(p), layers, depth + 1);
            }
        }
        layers.add(v);
    }

    private static Element choose(List<Element> vs, SplitMix64 rng) {
        if (vs.isEmpty()) {
            return null;
        }
        double total = 0;
        for (Element v : vs) {
            total += frequency(v);
        }
        double u = rng.nextDouble();
        if (total <= 0) {
            return vs.get(0);
        }
        double x = u * total;
        for (Element v : vs) {
            x -= frequency(v);
            if (x < 0) {
                return v;
            }
        }
        return vs.get(vs.size() - 1);
    }

    private static double frequency(Element v) {
        try {
            return Math.max(0, Double.parseDouble(v.getAttribute("frequency")));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private Material material(String name) throws IOException {
        if (name == null || name.isEmpty()) {
            return new Material(false, false);
        }
        Material cached = materials.get(name);
        if (cached != null) {
            return cached;
        }
        Path p = root.resolve("materials").resolve(name);
        boolean alphaTest = false, mask = false;
        if (Files.isRegularFile(p)) {
            for (Element d : children(parse(p), "define")) {
                String n = d.getAttribute("name");
                boolean on = !"0".equals(d.getAttribute("value"));
                alphaTest |= on && "USE_TRANSPARENT".equals(n);
                mask |= on && ("USE_PLAYERCOLOR".equals(n) || "USE_OBJECTCOLOR".equals(n));
            }
        }
        Material m = new Material(alphaTest, mask);
        materials.put(name, m);
        return m;
    }

    /** A player colour for colour-masked parts without their own: one of eight, drawn from the seed. */
    private static float[] defaultTint(SplitMix64 rng) {
        int[][] palette = {{46, 46, 200}, {150, 20, 20}, {50, 165, 5}, {230, 230, 75}, {50, 170, 170},
            {160, 80, 200}, {220, 115, 16}, {64, 64, 64}};
        int[] c = palette[(int) (rng.nextDouble() * palette.length)];
        return new float[] {(float) ArtTexture.srgbToLinear(c[0] / 255.0), (float) ArtTexture.srgbToLinear(c[1] / 255.0),
            (float) ArtTexture.srgbToLinear(c[2] / 255.0)};
    }

    private static float[] parseColour(String s, String actor) throws IOException {
        String[] p = s.trim().split("\\s+");
        if (p.length != 3) {
            throw new IOException(actor + ": colour '" + s.trim() + "' is not three numbers");
        }
        float[] c = new float[3];
        for (int i = 0; i < 3; i++) {
            try {
                c[i] = (float) ArtTexture.srgbToLinear(Math.max(0, Math.min(255, Double.parseDouble(p[i]))) / 255.0);
            } catch (NumberFormatException e) {
                throw new IOException(actor + ": colour '" + s.trim() + "' is not three numbers", e);
            }
        }
        return c;
    }

    private static int quality(String q, int missing) {
        return switch (q) {
            case "" -> missing;
            case "low" -> 0;
            case "medium" -> 100;
            case "high" -> 200;
            default -> {
                try {
                    yield Integer.parseInt(q);
                } catch (NumberFormatException e) {
                    yield missing;
                }
            }
        };
    }

    private Element parse(Path file) throws IOException {
        String key = file.toString();
        Element e = parsed.get(key);
        if (e != null) {
            return e;
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        try {
            Document d = xml.parse(file.toFile());
            e = d.getDocumentElement();
        } catch (Exception ex) {
            throw new IOException(file + ": not valid XML: " + ex.getMessage(), ex);
        }
        parsed.put(key, e);
        return e;
    }

    private static List<Element> children(Element e, String tag) {
        List<Element> out = new ArrayList<>();
        NodeList nl = e.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            Node n = nl.item(i);
            if (n instanceof Element c && tag.equals(c.getTagName())) {
                out.add(c);
            }
        }
        return out;
    }

    private static Element child(Element e, String tag) {
        List<Element> c = children(e, tag);
        return c.isEmpty() ? null : c.get(c.size() - 1);
    }
}
