package io.github.gen3d.splat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Typed, checked access to a glTF JSON document. Every lookup says where it was (e.g. {@code accessors[3].count})
 * and every problem becomes an {@link IOException} that starts with the file's name; no Gson exception escapes.
 * Instances are cheap, immutable and hold only the file name.
 */
final class GltfJson {
    /** Longest piece of a Gson message or a JSON value quoted in an error. */
    private static final int MAX_QUOTE = 120;
    private final String name;

    /** @param name the file name that starts every error message (not null) */
    GltfJson(String name) {
        this.name = name;
    }

    /** @return the file name */
    String name() {
        return name;
    }

    /**
     * @param what what is wrong (not null)
     * @return an IOException whose message is {@code name + ": " + what}
     */
    IOException error(String what) {
        return new IOException(name + ": " + what);
    }

    /**
     * Parses a JSON chunk strictly (RFC 8259: no comments, no unquoted names, no trailing garbage).
     *
     * @param data bytes (not null, unaffected)
     * @param offset first byte of the JSON text
     * @param length byte count
     * @return the root object
     * @throws IOException if the text is not one JSON object
     */
    JsonObject parse(byte[] data, int offset, int length) throws IOException {
        JsonElement root;
        try (JsonReader reader = new JsonReader(new InputStreamReader(
                new ByteArrayInputStream(data, offset, length), StandardCharsets.UTF_8))) {
            reader.setStrictness(Strictness.STRICT);
            root = JsonParser.parseReader(reader);
            if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
                throw error("the JSON chunk has data after its top-level value");
            }
        } catch (IOException | RuntimeException | StackOverflowError e) {
            // Gson reports syntax errors as MalformedJsonException, JsonSyntaxException, JsonIOException or
            // IllegalStateException; they describe the data, not a bug, so they are not kept as the cause
            if (e instanceof IOException && String.valueOf(e.getMessage()).startsWith(name + ": ")) {
                throw (IOException) e;
            }
            throw error("the JSON chunk is not valid JSON (" + quote(String.valueOf(e)) + ")");
        }
        if (!root.isJsonObject()) {
            throw error("the JSON chunk is not a JSON object");
        }
        return root.getAsJsonObject();
    }

    /** @return {@code s} cut to {@value #MAX_QUOTE} characters */
    static String quote(String s) {
        return s.length() <= MAX_QUOTE ? s : s.substring(0, MAX_QUOTE - 3) + "...";
    }

    /**
     * An optional object member.
     *
     * @param o the parent (not null)
     * @param key the member name
     * @param where path of the parent, for messages
     * @return the object, or null if absent
     * @throws IOException if present but not an object
     */
    JsonObject object(JsonObject o, String key, String where) throws IOException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonObject()) {
            throw error(where + "." + key + " is not a JSON object");
        }
        return e.getAsJsonObject();
    }

    /**
     * An optional array member.
     *
     * @param o the parent (not null)
     * @param key the member name
     * @param where path of the parent
     * @return the array, or an empty array if absent
     * @throws IOException if present but not an array
     */
    JsonArray array(JsonObject o, String key, String where) throws IOException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return new JsonArray();
        }
        if (!e.isJsonArray()) {
            throw error(where + "." + key + " is not a JSON array");
        }
        return e.getAsJsonArray();
    }

    /**
     * Element {@code i} of a top-level array such as {@code accessors}, which must be an object.
     *
     * @param a the array (not null)
     * @param i the index, already known to be in range
     * @param where the array's path, e.g. "accessors"
     * @return the object
     * @throws IOException if the element is not an object
     */
    JsonObject element(JsonArray a, int i, String where) throws IOException {
        JsonElement e = a.get(i);
        if (!e.isJsonObject()) {
            throw error(where + "[" + i + "] is not a JSON object");
        }
        return e.getAsJsonObject();
    }

    /**
     * An index into an array of {@code size} elements.
     *
     * @param e the JSON value (may be null: then {@code required} decides)
     * @param where path of the value
     * @param size the array's length
     * @param what name of the array, for messages
     * @return the index, 0 ≤ index &lt; size
     * @throws IOException if it is not an integer in range
     */
    int index(JsonElement e, String where, int size, String what) throws IOException {
        long v = integerValue(e, where);
        if (v < 0 || v >= size) {
            throw error(where + " = " + v + " is not a valid index into " + what + " (" + size + " entries)");
        }
        return (int) v;
    }

    /**
     * An optional integer member.
     *
     * @param o the parent (not null)
     * @param key member name
     * @param where parent path
     * @param def value when absent
     * @param min smallest allowed value
     * @param max largest allowed value
     * @return the value
     * @throws IOException if present but not an integer in [min, max]
     */
    long integer(JsonObject o, String key, String where, long def, long min, long max) throws IOException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return def;
        }
        long v = integerValue(e, where + "." + key);
        if (v < min || v > max) {
            throw error(where + "." + key + " = " + v + " is outside " + min + ".." + max);
        }
        return v;
    }

    /**
     * A required integer member.
     *
     * @param o the parent (not null)
     * @param key member name
     * @param where parent path
     * @param min smallest allowed value
     * @param max largest allowed value
     * @return the value
     * @throws IOException if absent or not an integer in [min, max]
     */
    long requiredInteger(JsonObject o, String key, String where, long min, long max) throws IOException {
        if (!o.has(key) || o.get(key).isJsonNull()) {
            throw error(where + " has no " + key);
        }
        return integer(o, key, where, 0, min, max);
    }

    private long integerValue(JsonElement e, String where) throws IOException {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw error(where + " is not a number");
        }
        double d = number(e.getAsJsonPrimitive(), where);
        if (d != Math.rint(d) || Math.abs(d) > (1L << 53)) {
            throw error(where + " = " + quote(e.toString()) + " is not an integer");
        }
        return (long) d;
    }

    private double number(JsonPrimitive p, String where) throws IOException {
        double d;
        try {
            d = p.getAsDouble();
        } catch (RuntimeException ex) {
            throw error(where + " = " + quote(p.toString()) + " is not a number");
        }
        if (!Double.isFinite(d)) {
            throw error(where + " = " + quote(p.toString()) + " is not a finite number");
        }
        return d;
    }

    /**
     * An optional boolean member.
     *
     * @param o the parent (not null)
     * @param key member name
     * @param where parent path
     * @param def value when absent
     * @return the value
     * @throws IOException if present but not a boolean
     */
    boolean bool(JsonObject o, String key, String where, boolean def) throws IOException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return def;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw error(where + "." + key + " is not true or false");
        }
        return e.getAsBoolean();
    }

    /**
     * An optional string member.
     *
     * @param o the parent (not null)
     * @param key member name
     * @param where parent path
     * @param def value when absent (may be null)
     * @return the value
     * @throws IOException if present but not a string
     */
    String string(JsonObject o, String key, String where, String def) throws IOException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return def;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw error(where + "." + key + " is not a string");
        }
        return e.getAsString();
    }

    /**
     * An optional array of finite numbers of a fixed length.
     *
     * @param o the parent (not null)
     * @param key member name
     * @param where parent path
     * @param length the required length
     * @return the numbers, or null if absent
     * @throws IOException if present but of another length or not all finite numbers
     */
    double[] numbers(JsonObject o, String key, String where, int length) throws IOException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonArray() || e.getAsJsonArray().size() != length) {
            throw error(where + "." + key + " is not an array of " + length + " numbers");
        }
        JsonArray a = e.getAsJsonArray();
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            JsonElement x = a.get(i);
            if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) {
                throw error(where + "." + key + "[" + i + "] is not a number");
            }
            out[i] = number(x.getAsJsonPrimitive(), where + "." + key + "[" + i + "]");
        }
        return out;
    }
}
