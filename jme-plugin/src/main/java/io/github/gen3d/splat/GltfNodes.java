package io.github.gen3d.splat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Walks a glTF scene's node hierarchy and lists every mesh instance with its world matrix.
 *
 * <p>Which nodes: the roots of the default scene ({@code scene}, else {@code scenes[0]}); a file without scenes
 * uses every node that is nobody's child; a file without nodes uses every mesh once, untransformed. Each
 * node may be reached once per walk: glTF requires the hierarchy to be a set of disjoint trees, so a cycle or a
 * node with two parents is an error (which also bounds the work by the node count).
 *
 * <p>Matrices are 4×4, column-major as in glTF: element (row r, column c) is {@code m[c·4 + r]}.
 */
final class GltfNodes {
    private GltfNodes() {
    }

    /**
     * One mesh placed in the scene.
     *
     * @param mesh mesh index
     * @param world node-to-world matrix, column-major (null for identity)
     * @param node index of the node, or −1 for a mesh used without nodes
     * @param nodeName the node's name, or null
     */
    record Instance(int mesh, double[] world, int node, String nodeName) {
        /** @return "node 3 'name'" or "mesh 3" for messages */
        String describe() {
            if (node < 0) {
                return "mesh " + mesh;
            }
            return "node " + node + (nodeName != null ? " '" + GltfJson.quote(nodeName) + "'" : "");
        }
    }

    /**
     * Lists the mesh instances of the default scene, depth first in the order of the scene's and nodes' lists.
     *
     * @param json error helper (not null)
     * @param root glTF root (not null)
     * @return the instances (new list)
     * @throws IOException on bad indices, bad transforms, cycles or shared children
     */
    static List<Instance> instances(GltfJson json, JsonObject root) throws IOException {
        JsonArray nodes = json.array(root, "nodes", "the glTF root");
        JsonArray meshes = json.array(root, "meshes", "the glTF root");
        JsonArray scenes = json.array(root, "scenes", "the glTF root");
        List<Integer> roots = new ArrayList<>();
        List<Instance> out = new ArrayList<>();
        if (scenes.size() > 0) {
            int s = root.has("scene") ? json.index(root.get("scene"), "scene", scenes.size(), "scenes") : 0;
            JsonObject scene = json.element(scenes, s, "scenes");
            JsonArray list = json.array(scene, "nodes", "scenes[" + s + "]");
            for (int i = 0; i < list.size(); i++) {
                roots.add(json.index(list.get(i), "scenes[" + s + "].nodes[" + i + "]", nodes.size(), "nodes"));
            }
        } else if (nodes.size() > 0) {
            boolean[] isChild = new boolean[nodes.size()];
            for (int n = 0; n < nodes.size(); n++) {
                JsonArray children = json.array(json.element(nodes, n, "nodes"), "children", "nodes[" + n + "]");
                for (int c = 0; c < children.size(); c++) {
                    isChild[json.index(children.get(c), "nodes[" + n + "].children[" + c + "]", nodes.size(),
                            "nodes")] = true;
                }
            }
            for (int n = 0; n < nodes.size(); n++) {
                if (!isChild[n]) {
                    roots.add(n);
                }
            }
        } else {
            for (int m = 0; m < meshes.size(); m++) {
                out.add(new Instance(m, null, -1, null));
            }
            return out;
        }
        boolean[] seen = new boolean[nodes.size()];
        // explicit stack: (node, parent world matrix); children pushed in reverse to keep document order
        Deque<Object[]> stack = new ArrayDeque<>();
        for (int i = roots.size() - 1; i >= 0; i--) {
            stack.push(new Object[] {roots.get(i), null});
        }
        while (!stack.isEmpty()) {
            Object[] top = stack.pop();
            int n = (Integer) top[0];
            double[] parent = (double[]) top[1];
            String where = "nodes[" + n + "]";
            if (seen[n]) {
                throw json.error(where + " is reached twice in the scene (a cycle, or a node with two parents)");
            }
            seen[n] = true;
            JsonObject node = json.element(nodes, n, "nodes");
            double[] local = localMatrix(json, node, where);
            double[] world = parent == null ? local : local == null ? parent : multiply(parent, local);
            if (node.has("mesh") && !node.get("mesh").isJsonNull()) {
                int m = json.index(node.get("mesh"), where + ".mesh", meshes.size(), "meshes");
                out.add(new Instance(m, world, n, json.string(node, "name", where, null)));
            }
            JsonArray children = json.array(node, "children", where);
            for (int c = children.size() - 1; c >= 0; c--) {
                JsonElement e = children.get(c);
                stack.push(new Object[] {json.index(e, where + ".children[" + c + "]", nodes.size(), "nodes"),
                        world});
            }
        }
        return out;
    }

    /**
     * A node's local matrix: {@code matrix} if present, else T·R·S.
     *
     * @return the column-major matrix, or null when the node has no transform
     */
    static double[] localMatrix(GltfJson json, JsonObject node, String where) throws IOException {
        double[] m = json.numbers(node, "matrix", where, 16);
        if (m != null) {
            if (m[3] != 0 || m[7] != 0 || m[11] != 0 || m[15] != 1) {
                throw json.error(where + ".matrix is not affine (its last row is not 0, 0, 0, 1)");
            }
            return isIdentity(m) ? null : m;
        }
        double[] t = json.numbers(node, "translation", where, 3);
        double[] r = json.numbers(node, "rotation", where, 4);
        double[] s = json.numbers(node, "scale", where, 3);
        if (t == null && r == null && s == null) {
            return null;
        }
        double x = 0, y = 0, z = 0, w = 1;
        if (r != null) {
            double len = Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2] + r[3] * r[3]);
            if (!(len > 1e-12) || !Double.isFinite(len)) {
                throw json.error(where + ".rotation is not a unit quaternion");
            }
            x = r[0] / len;
            y = r[1] / len;
            z = r[2] / len;
            w = r[3] / len;
        }
        double sx = s == null ? 1 : s[0], sy = s == null ? 1 : s[1], sz = s == null ? 1 : s[2];
        double[] out = new double[16];
        // rotation matrix columns times scale
        out[0] = (1 - 2 * (y * y + z * z)) * sx;
        out[1] = (2 * (x * y + w * z)) * sx;
        out[2] = (2 * (x * z - w * y)) * sx;
        out[4] = (2 * (x * y - w * z)) * sy;
        out[5] = (1 - 2 * (x * x + z * z)) * sy;
        out[6] = (2 * (y * z + w * x)) * sy;
        out[8] = (2 * (x * z + w * y)) * sz;
        out[9] = (2 * (y * z - w * x)) * sz;
        out[10] = (1 - 2 * (x * x + y * y)) * sz;
        if (t != null) {
            out[12] = t[0];
            out[13] = t[1];
            out[14] = t[2];
        }
        out[15] = 1;
        return isIdentity(out) ? null : out;
    }

    /** @return a·b for column-major 4×4 matrices */
    static double[] multiply(double[] a, double[] b) {
        double[] out = new double[16];
        for (int c = 0; c < 4; c++) {
            for (int r = 0; r < 4; r++) {
                double v = 0;
                for (int k = 0; k < 4; k++) {
                    v += a[k * 4 + r] * b[c * 4 + k];
                }
                out[c * 4 + r] = v;
            }
        }
        return out;
    }

    private static boolean isIdentity(double[] m) {
        for (int i = 0; i < 16; i++) {
            if (m[i] != (i % 5 == 0 ? 1 : 0)) {
                return false;
            }
        }
        return true;
    }
}
