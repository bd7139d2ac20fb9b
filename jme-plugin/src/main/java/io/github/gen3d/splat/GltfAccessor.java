package io.github.gen3d.splat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.Base64;

/**
 * One glTF accessor resolved down to bytes: {@code count} elements of {@code components} values each, element
 * {@code i} starting at {@code data[base + i·stride]}, values of a glTF component type (5120 byte … 5126 float,
 * little-endian), optionally normalised. An accessor without a buffer view reads as zeros ({@code data == null}).
 *
 * <p>{@link #resolve} checks every bound before returning, so {@link #get} never reads outside {@code data}:
 * the accessor's last element lies inside its buffer view, the view inside its buffer, the buffer inside the
 * bytes that hold it (the GLB {@code BIN} chunk or a decoded {@code data:} URI).
 *
 * @param count number of elements (≥ 1)
 * @param components values per element (1, 2, 3 or 4)
 * @param componentType glTF component type, 5120..5126 (not 5124)
 * @param normalized whether integer values map to [0, 1] or [−1, 1]
 * @param data the bytes (live; null for an all-zero accessor)
 * @param base offset of element 0 in {@code data}
 * @param stride bytes from one element to the next
 */
record GltfAccessor(int count, int components, int componentType, boolean normalized, byte[] data, int base,
        int stride) {
    static final int BYTE = 5120;
    static final int UNSIGNED_BYTE = 5121;
    static final int SHORT = 5122;
    static final int UNSIGNED_SHORT = 5123;
    static final int UNSIGNED_INT = 5125;
    static final int FLOAT = 5126;
    /** Largest byteStride glTF allows for vertex attributes. */
    static final int MAX_STRIDE = 252;

    /**
     * Value {@code c} of element {@code i}, as a float (normalised integers per the glTF rules:
     * {@code max(v / 127, −1)}, {@code v / 255}, {@code max(v / 32767, −1)}, {@code v / 65535}).
     *
     * @param i element index, 0 ≤ i &lt; count
     * @param c component index, 0 ≤ c &lt; components
     * @return the value
     */
    float get(int i, int c) {
        if (data == null) {
            return 0f;
        }
        int at = base + i * stride;
        switch (componentType) {
            case FLOAT:
                return Float.intBitsToFloat(int32(data, at + 4 * c));
            case BYTE: {
                int v = data[at + c];
                return normalized ? Math.max(v / 127f, -1f) : v;
            }
            case UNSIGNED_BYTE: {
                int v = data[at + c] & 0xFF;
                return normalized ? v / 255f : v;
            }
            case SHORT: {
                int v = (short) ((data[at + 2 * c] & 0xFF) | (data[at + 2 * c + 1] << 8));
                return normalized ? Math.max(v / 32767f, -1f) : v;
            }
            case UNSIGNED_SHORT: {
                int v = (data[at + 2 * c] & 0xFF) | ((data[at + 2 * c + 1] & 0xFF) << 8);
                return normalized ? v / 65535f : v;
            }
            default: // UNSIGNED_INT, never normalised (resolve refuses that)
                return (float) (int32(data, at + 4 * c) & 0xFFFFFFFFL);
        }
    }

    private static int int32(byte[] d, int at) {
        return (d[at] & 0xFF) | ((d[at + 1] & 0xFF) << 8) | ((d[at + 2] & 0xFF) << 16) | (d[at + 3] << 24);
    }

    /** @return bytes of one component of a glTF component type, or 0 if the type is unknown */
    static int componentSize(long type) {
        if (type == BYTE || type == UNSIGNED_BYTE) {
            return 1;
        }
        if (type == SHORT || type == UNSIGNED_SHORT) {
            return 2;
        }
        return type == UNSIGNED_INT || type == FLOAT ? 4 : 0;
    }

    /** @return components of a glTF accessor type, or 0 for matrix and unknown types */
    static int componentCount(String type) {
        switch (type) {
            case "SCALAR":
                return 1;
            case "VEC2":
                return 2;
            case "VEC3":
                return 3;
            case "VEC4":
                return 4;
            default:
                return 0;
        }
    }

    /**
     * Where a glTF buffer's bytes are: the GLB {@code BIN} chunk for buffer 0 without a {@code uri}, or a
     * base64 {@code data:} URI. Resolved buffers are cached.
     */
    static final class Buffers {
        private final GltfJson json;
        private final JsonArray buffers;
        private final byte[] glb;
        private final int binOffset;
        private final int binLength;
        private final byte[][] bytes;
        private final int[] offsets;
        private final int[] lengths;

        /**
         * @param json error helper (not null)
         * @param root the glTF root (not null)
         * @param glb the whole file (not null)
         * @param binOffset first byte of the BIN chunk's data, or −1 if there is none
         * @param binLength its length
         * @throws IOException if {@code buffers} is not an array
         */
        Buffers(GltfJson json, JsonObject root, byte[] glb, int binOffset, int binLength) throws IOException {
            this.json = json;
            this.buffers = json.array(root, "buffers", "the glTF root");
            this.glb = glb;
            this.binOffset = binOffset;
            this.binLength = binLength;
            this.bytes = new byte[buffers.size()][];
            this.offsets = new int[buffers.size()];
            this.lengths = new int[buffers.size()];
        }

        /** @return the number of buffers declared */
        int size() {
            return buffers.size();
        }

        /** Resolves buffer {@code i} (0 ≤ i &lt; size) and returns the array holding it. */
        private byte[] resolve(int i) throws IOException {
            if (bytes[i] != null) {
                return bytes[i];
            }
            String where = "buffers[" + i + "]";
            JsonObject b = json.element(buffers, i, "buffers");
            long declared = json.requiredInteger(b, "byteLength", where, 1, Integer.MAX_VALUE);
            String uri = json.string(b, "uri", where, null);
            byte[] d;
            int off;
            int len;
            if (uri == null) {
                if (i != 0 || binOffset < 0) {
                    throw json.error(where + " has no uri and is not the GLB's BIN chunk"
                            + (binOffset < 0 ? " (the file has no BIN chunk)" : ""));
                }
                d = glb;
                off = binOffset;
                len = binLength;
            } else if (uri.regionMatches(true, 0, "data:", 0, 5)) {
                int comma = uri.indexOf(',');
                if (comma < 0 || !uri.substring(0, comma).toLowerCase(java.util.Locale.ROOT).endsWith(";base64")) {
                    throw json.error(where + " has a data: URI that is not base64");
                }
                try {
                    d = Base64.getDecoder().decode(uri.substring(comma + 1));
                } catch (IllegalArgumentException e) {
                    throw json.error(where + " has a data: URI with invalid base64 (" + e.getMessage() + ")");
                }
                off = 0;
                len = d.length;
            } else {
                throw json.error(where + " refers to an external file '" + GltfJson.quote(uri)
                        + "'; only buffers inside the .glb (or data: URIs) are supported");
            }
            if (declared > len) {
                throw json.error(where + ".byteLength = " + declared + " but only " + len
                        + " bytes are there (truncated file?)");
            }
            bytes[i] = d;
            offsets[i] = off;
            lengths[i] = (int) declared;
            return d;
        }
    }

    /**
     * Resolves accessor {@code index} and checks it against the element type the caller needs.
     *
     * @param json error helper (not null)
     * @param root glTF root (not null)
     * @param buffers the file's buffers (not null)
     * @param index accessor index (checked here)
     * @param where what refers to it, e.g. {@code meshes[0].primitives[0].attributes.POSITION}
     * @param allowedComponents accepted component counts (e.g. {3} or {3, 4})
     * @return the accessor
     * @throws IOException on any inconsistency, naming the accessor
     */
    static GltfAccessor resolve(GltfJson json, JsonObject root, Buffers buffers, com.google.gson.JsonElement index,
            String where, int... allowedComponents) throws IOException {
        JsonArray accessors = json.array(root, "accessors", "the glTF root");
        int ai = json.index(index, where, accessors.size(), "accessors");
        String aw = "accessors[" + ai + "]";
        JsonObject a = json.element(accessors, ai, "accessors");
        long componentType = json.requiredInteger(a, "componentType", aw, 0, Integer.MAX_VALUE);
        int compSize = componentSize(componentType);
        if (compSize == 0) {
            throw json.error(aw + ".componentType = " + componentType + " is not a glTF component type");
        }
        String type = json.string(a, "type", aw, null);
        if (type == null) {
            throw json.error(aw + " has no type");
        }
        int comps = componentCount(type);
        boolean allowed = false;
        for (int c : allowedComponents) {
            allowed |= c == comps;
        }
        if (!allowed) {
            throw json.error(aw + ".type = '" + GltfJson.quote(type) + "' cannot be used for " + where);
        }
        boolean normalized = json.bool(a, "normalized", aw, false);
        if (normalized && (componentType == FLOAT || componentType == UNSIGNED_INT)) {
            throw json.error(aw + " is normalized but its componentType is " + componentType);
        }
        long count = json.requiredInteger(a, "count", aw, 1, Integer.MAX_VALUE);
        if (a.has("sparse")) {
            throw json.error(aw + " is a sparse accessor; sparse accessors are not supported");
        }
        long byteOffset = json.integer(a, "byteOffset", aw, 0, 0, Integer.MAX_VALUE);
        int elementSize = comps * compSize;
        if (!a.has("bufferView") || a.get("bufferView").isJsonNull()) {
            if (byteOffset != 0) {
                throw json.error(aw + " has a byteOffset but no bufferView");
            }
            return new GltfAccessor((int) count, comps, (int) componentType, normalized, null, 0, elementSize);
        }
        View v = View.resolve(json, root, buffers, a.get("bufferView"), aw + ".bufferView");
        long stride = v.stride() == 0 ? elementSize : v.stride();
        if (stride < elementSize) {
            throw json.error(v.where() + ".byteStride = " + stride + " does not fit " + aw + " (elements of "
                    + elementSize + " bytes)");
        }
        long needed = byteOffset + (count - 1) * stride + elementSize;
        if (needed > v.length()) {
            throw json.error(aw + " needs " + needed + " bytes (" + count + " elements of " + elementSize
                    + " bytes, stride " + stride + ", offset " + byteOffset + ") but " + v.where() + " has only "
                    + v.length());
        }
        return new GltfAccessor((int) count, comps, (int) componentType, normalized, v.data(),
                (int) (v.offset() + byteOffset), (int) stride);
    }

    /**
     * A buffer view resolved to bytes: {@code data[offset .. offset + length]}, all inside its buffer.
     *
     * @param data the bytes (live)
     * @param offset first byte
     * @param length byte count (≥ 1)
     * @param stride the view's byteStride, or 0 when it has none
     * @param where "bufferViews[i]", for messages
     */
    record View(byte[] data, int offset, int length, int stride, String where) {
        /**
         * Resolves and bounds-checks a buffer view.
         *
         * @param json error helper (not null)
         * @param root glTF root (not null)
         * @param buffers the file's buffers (not null)
         * @param index the JSON value holding the view index (checked here)
         * @param where what refers to it, for messages
         * @return the view
         * @throws IOException on a bad index, offset, length or stride
         */
        static View resolve(GltfJson json, JsonObject root, Buffers buffers, com.google.gson.JsonElement index,
                String where) throws IOException {
            JsonArray views = json.array(root, "bufferViews", "the glTF root");
            int vi = json.index(index, where, views.size(), "bufferViews");
            String vw = "bufferViews[" + vi + "]";
            JsonObject v = json.element(views, vi, "bufferViews");
            int bi = json.index(v.get("buffer"), vw + ".buffer", buffers.size(), "buffers");
            long viewOffset = json.integer(v, "byteOffset", vw, 0, 0, Integer.MAX_VALUE);
            long viewLength = json.requiredInteger(v, "byteLength", vw, 1, Integer.MAX_VALUE);
            long stride = json.integer(v, "byteStride", vw, 0, 1, MAX_STRIDE);
            byte[] data = buffers.resolve(bi);
            long bufferLength = buffers.lengths[bi];
            if (viewOffset + viewLength > bufferLength) {
                throw json.error(vw + " (bytes " + viewOffset + ".." + (viewOffset + viewLength) + ") lies outside "
                        + "buffers[" + bi + "] (" + bufferLength + " bytes)");
            }
            return new View(data, (int) (buffers.offsets[bi] + viewOffset), (int) viewLength, (int) stride, vw);
        }
    }
}
