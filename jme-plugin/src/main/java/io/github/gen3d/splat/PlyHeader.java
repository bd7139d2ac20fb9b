package io.github.gen3d.splat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed text header of a PLY file, and the walk over element bodies that splat readers need.
 *
 * <p>Parsing is bounded: the header must end ({@code end_header}) within {@link #MAX_HEADER_BYTES}; every line
 * is checked; counts are kept as {@code long} and only trusted after they are compared with the bytes that
 * follow. All problems are {@link IOException}s whose message starts with the file name.
 */
final class PlyHeader {
    /** Longest header accepted, in bytes, including the {@code end_header} line. */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    /** Longest ascii token accepted in an ascii body. */
    static final int MAX_TOKEN_CHARS = 128;

    /** Body encodings. */
    enum Encoding {
        ASCII, BINARY_LITTLE_ENDIAN, BINARY_BIG_ENDIAN
    }

    /** Scalar property types, with their PLY names and aliases. */
    enum Type {
        INT8(1, true), UINT8(1, true), INT16(2, true), UINT16(2, true), INT32(4, true), UINT32(4, true),
        FLOAT32(4, false), FLOAT64(8, false);

        final int size;
        final boolean integral;

        Type(int size, boolean integral) {
            this.size = size;
            this.integral = integral;
        }

        /** @return the type for a PLY type name or alias, or null */
        static Type parse(String s) {
            switch (s) {
                case "char": case "int8": return INT8;
                case "uchar": case "uint8": return UINT8;
                case "short": case "int16": return INT16;
                case "ushort": case "uint16": return UINT16;
                case "int": case "int32": return INT32;
                case "uint": case "uint32": return UINT32;
                case "float": case "float32": return FLOAT32;
                case "double": case "float64": return FLOAT64;
                default: return null;
            }
        }
    }

    /**
     * One property.
     *
     * @param name its name
     * @param type scalar type, or item type of a list
     * @param countType count type of a list, null for a scalar
     */
    record Property(String name, Type type, Type countType) {
        boolean isList() {
            return countType != null;
        }
    }

    /** One element: name, declared row count (unchecked), properties. */
    static final class Element {
        final String name;
        final long count;
        final List<Property> properties = new ArrayList<>();
        private final Map<String, Integer> index = new HashMap<>();

        Element(String name, long count) {
            this.name = name;
            this.count = count;
        }

        /** @return the property's column, or -1 */
        int indexOf(String property) {
            Integer i = index.get(property);
            return i == null ? -1 : i;
        }

        /** @return true if some property is a list */
        boolean hasList() {
            for (Property p : properties) {
                if (p.isList()) {
                    return true;
                }
            }
            return false;
        }

        /** @return bytes per row in a binary body (no lists) */
        int stride() {
            int s = 0;
            for (Property p : properties) {
                s += p.type.size;
            }
            return s;
        }
    }

    final String fileName;
    final Encoding encoding;
    final List<Element> elements;
    /** Offset of the first body byte. */
    final int bodyOffset;

    private PlyHeader(String fileName, Encoding encoding, List<Element> elements, int bodyOffset) {
        this.fileName = fileName;
        this.encoding = encoding;
        this.elements = Collections.unmodifiableList(elements);
        this.bodyOffset = bodyOffset;
    }

    /** @return the element with that name, or null */
    Element element(String name) {
        for (Element e : elements) {
            if (e.name.equals(name)) {
                return e;
            }
        }
        return null;
    }

    /**
     * Parses the header at the start of {@code data}.
     *
     * @param data the whole file (not null, unaffected)
     * @param name file name for messages
     * @return the header
     * @throws IOException on any malformed header
     */
    static PlyHeader parse(byte[] data, String name) throws IOException {
        if (data.length < 4 || data[0] != 'p' || data[1] != 'l' || data[2] != 'y'
                || (data[3] != '\n' && data[3] != '\r')) {
            throw new IOException(name + ": not a PLY file (it does not start with the line 'ply')");
        }
        int limit = Math.min(data.length, MAX_HEADER_BYTES);
        int pos = 0;
        int lineNo = 0;
        Encoding encoding = null;
        List<Element> elements = new ArrayList<>();
        Element current = null;
        while (true) {
            int end = pos;
            while (end < limit && data[end] != '\n') {
                end++;
            }
            if (end >= limit) {
                if (data.length > MAX_HEADER_BYTES) {
                    throw new IOException(name + ": PLY header has no end_header within the first "
                            + MAX_HEADER_BYTES + " bytes");
                }
                throw new IOException(name + ": PLY header has no end_header line (the file ends inside the"
                        + " header)");
            }
            lineNo++;
            int lineEnd = end;
            if (lineEnd > pos && data[lineEnd - 1] == '\r') {
                lineEnd--;
            }
            for (int i = pos; i < lineEnd; i++) {
                int b = data[i] & 0xFF;
                if ((b < 0x20 && b != '\t') || b == 0x7F) {
                    throw new IOException(name + ": PLY header line " + lineNo + " contains the control byte 0x"
                            + Integer.toHexString(b) + " at offset " + i);
                }
            }
            String line = new String(data, pos, lineEnd - pos, StandardCharsets.ISO_8859_1).strip();
            pos = end + 1;
            String[] t = line.isEmpty() ? new String[0] : line.split("[ \\t]+");
            if (lineNo == 1) {
                // "ply" checked above; tolerate trailing blanks only
                if (!line.equals("ply")) {
                    throw new IOException(name + ": not a PLY file (first line is '" + clip(line) + "')");
                }
                continue;
            }
            if (t.length == 0) {
                continue; // blank lines are harmless
            }
            switch (t[0]) {
                case "format":
                    if (encoding != null) {
                        throw bad(name, lineNo, line, "a second format line");
                    }
                    if (t.length != 3) {
                        throw bad(name, lineNo, line, "expected 'format <encoding> 1.0'");
                    }
                    encoding = switch (t[1]) {
                        case "ascii" -> Encoding.ASCII;
                        case "binary_little_endian" -> Encoding.BINARY_LITTLE_ENDIAN;
                        case "binary_big_endian" -> Encoding.BINARY_BIG_ENDIAN;
                        default -> throw bad(name, lineNo, line, "unknown encoding '" + clip(t[1]) + "'");
                    };
                    if (!t[2].equals("1.0") && !t[2].equals("1")) {
                        throw bad(name, lineNo, line, "unsupported PLY version '" + clip(t[2]) + "'");
                    }
                    break;
                case "comment":
                case "obj_info":
                    break;
                case "element": {
                    if (t.length != 3) {
                        throw bad(name, lineNo, line, "expected 'element <name> <count>'");
                    }
                    long count = parseCount(t[2], name, lineNo, line);
                    for (Element e : elements) {
                        if (e.name.equals(t[1])) {
                            throw bad(name, lineNo, line, "element '" + clip(t[1]) + "' is declared twice");
                        }
                    }
                    current = new Element(t[1], count);
                    elements.add(current);
                    break;
                }
                case "property": {
                    if (current == null) {
                        throw bad(name, lineNo, line, "property before any element");
                    }
                    Property p;
                    if (t.length >= 2 && t[1].equals("list")) {
                        if (t.length != 5) {
                            throw bad(name, lineNo, line, "expected 'property list <count type> <item type> <name>'");
                        }
                        Type ct = Type.parse(t[2]);
                        Type it = Type.parse(t[3]);
                        if (ct == null || !ct.integral) {
                            throw bad(name, lineNo, line, "bad list count type '" + clip(t[2]) + "'");
                        }
                        if (it == null) {
                            throw bad(name, lineNo, line, "unknown type '" + clip(t[3]) + "'");
                        }
                        p = new Property(t[4], it, ct);
                    } else {
                        if (t.length != 3) {
                            throw bad(name, lineNo, line, "expected 'property <type> <name>'");
                        }
                        Type ty = Type.parse(t[1]);
                        if (ty == null) {
                            throw bad(name, lineNo, line, "unknown type '" + clip(t[1]) + "'");
                        }
                        p = new Property(t[2], ty, null);
                    }
                    if (current.index.containsKey(p.name)) {
                        throw bad(name, lineNo, line, "property '" + clip(p.name) + "' is declared twice in element '"
                                + clip(current.name) + "'");
                    }
                    current.index.put(p.name, current.properties.size());
                    current.properties.add(p);
                    break;
                }
                case "end_header":
                    if (t.length != 1) {
                        throw bad(name, lineNo, line, "unexpected text after end_header");
                    }
                    if (encoding == null) {
                        throw new IOException(name + ": PLY header has no format line");
                    }
                    return new PlyHeader(name, encoding, elements, pos);
                default:
                    throw bad(name, lineNo, line, "unknown keyword '" + clip(t[0]) + "'");
            }
        }
    }

    private static long parseCount(String s, String name, int lineNo, String line) throws IOException {
        if (s.isEmpty() || s.length() > 18) {
            throw bad(name, lineNo, line, "element count '" + clip(s) + "' is not a number below 10^18");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw bad(name, lineNo, line, "element count '" + clip(s) + "' is not a non-negative integer");
            }
        }
        return Long.parseLong(s);
    }

    private static IOException bad(String name, int lineNo, String line, String what) {
        return new IOException(name + ": PLY header line " + lineNo + " ('" + clip(line) + "'): " + what);
    }

    /** @return s cut to 60 characters for messages */
    static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** @return a·b, or Long.MAX_VALUE on overflow (both ≥ 0) */
    static long mulSat(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi != 0 || lo < 0) ? Long.MAX_VALUE : lo;
    }

    // ------------------------------------------------------------------ binary body walk

    /**
     * Finds where an element's rows start in a binary body, checking that every earlier element fits in the
     * data (walking the rows of elements with list properties). The target's own size is the caller's to check.
     *
     * @param data the file (not null, unaffected)
     * @param target one of {@link #elements}; it must not have list properties
     * @return the absolute offset of the target's first row (≤ data.length)
     * @throws IOException if an earlier element does not fit, or the target has a list property
     */
    long startOf(byte[] data, Element target) throws IOException {
        if (target.hasList()) {
            throw new IOException(fileName + ": PLY element '" + clip(target.name)
                    + "' has a list property; cannot read it as splat data");
        }
        long off = bodyOffset;
        boolean le = encoding == Encoding.BINARY_LITTLE_ENDIAN;
        for (Element e : elements) {
            if (e == target) {
                return off;
            }
            long remaining = data.length - off;
            if (e.properties.isEmpty()) {
                continue; // rows of zero bytes, whatever the count
            }
            if (!e.hasList()) {
                long size = mulSat(e.count, e.stride());
                if (size > remaining) {
                    throw new IOException(fileName + ": PLY element '" + clip(e.name) + "' declares " + e.count
                            + " rows (" + (size == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(size))
                            + " bytes) but only " + remaining + " bytes follow");
                }
                off += size;
                continue;
            }
            if (e.count > remaining) {
                throw new IOException(fileName + ": PLY element '" + clip(e.name) + "' declares " + e.count
                        + " rows but only " + remaining + " bytes follow");
            }
            for (long r = 0; r < e.count; r++) {
                for (Property p : e.properties) {
                    if (p.isList()) {
                        long n = readIntegral(data, off, p.countType, le, e, r);
                        if (n < 0) {
                            throw new IOException(fileName + ": PLY element '" + clip(e.name) + "' row " + r
                                    + " has a negative list length " + n);
                        }
                        off += p.countType.size;
                        long items = mulSat(n, p.type.size);
                        if (items > data.length - off) {
                            throw new IOException(fileName + ": PLY element '" + clip(e.name) + "' row " + r
                                    + " has a list of " + n + " items that runs past the end of the file");
                        }
                        off += items;
                    } else {
                        if (p.type.size > data.length - off) {
                            throw truncatedRow(e, r);
                        }
                        off += p.type.size;
                    }
                }
            }
        }
        throw new IllegalArgumentException("element not in this header: " + target.name);
    }

    private IOException truncatedRow(Element e, long row) {
        return new IOException(fileName + ": PLY element '" + clip(e.name) + "' is cut off at row " + row
                + " of " + e.count + " (the file ends early)");
    }

    private long readIntegral(byte[] data, long off, Type t, boolean le, Element e, long row)
            throws IOException {
        if (off + t.size > data.length) {
            throw truncatedRow(e, row);
        }
        int o = (int) off;
        long v = 0;
        for (int i = 0; i < t.size; i++) {
            int b = data[le ? o + t.size - 1 - i : o + i] & 0xFF;
            v = (v << 8) | b;
        }
        return switch (t) {
            case INT8 -> (byte) v;
            case INT16 -> (short) v;
            case INT32 -> (int) v;
            default -> v;
        };
    }

    /**
     * Reads one scalar of a binary body as a double (exact for every PLY type).
     *
     * @param b buffer with the body's byte order (not null)
     * @param off absolute offset
     * @param t type
     * @return the value
     */
    static double readBinary(java.nio.ByteBuffer b, int off, Type t) {
        return switch (t) {
            case INT8 -> b.get(off);
            case UINT8 -> b.get(off) & 0xFF;
            case INT16 -> b.getShort(off);
            case UINT16 -> b.getShort(off) & 0xFFFF;
            case INT32 -> b.getInt(off);
            case UINT32 -> b.getInt(off) & 0xFFFFFFFFL;
            case FLOAT32 -> b.getFloat(off);
            case FLOAT64 -> b.getDouble(off);
        };
    }

    // ------------------------------------------------------------------ ascii body

    /** Whitespace-separated tokens of an ascii body, read in order. */
    static final class AsciiTokens {
        private final byte[] data;
        private final String fileName;
        private int pos;

        AsciiTokens(byte[] data, int start, String fileName) {
            this.data = data;
            this.pos = start;
            this.fileName = fileName;
        }

        /** @return bytes not yet consumed */
        int remaining() {
            return data.length - pos;
        }

        private static boolean isSpace(byte b) {
            return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == 0x0B;
        }

        /** @return the next token, or null at the end of the data */
        String next() throws IOException {
            while (pos < data.length && isSpace(data[pos])) {
                pos++;
            }
            if (pos >= data.length) {
                return null;
            }
            int start = pos;
            while (pos < data.length && !isSpace(data[pos])) {
                if (pos - start >= MAX_TOKEN_CHARS) {
                    throw new IOException(fileName + ": ascii PLY body has a token longer than " + MAX_TOKEN_CHARS
                            + " characters at offset " + start);
                }
                pos++;
            }
            return new String(data, start, pos - start, StandardCharsets.ISO_8859_1);
        }

        /**
         * Reads a number.
         *
         * @param e element (for messages)
         * @param row row (for messages)
         * @return the value
         * @throws IOException at the end of the data or on a token that is not a number
         */
        double number(Element e, long row) throws IOException {
            String tok = next();
            if (tok == null) {
                throw new IOException(fileName + ": ascii PLY element '" + clip(e.name) + "' is cut off at row "
                        + row + " of " + e.count + " (the file ends early)");
            }
            char c0 = tok.charAt(0);
            boolean plausible = (c0 >= '0' && c0 <= '9') || c0 == '-' || c0 == '+' || c0 == '.'
                    || c0 == 'n' || c0 == 'N' || c0 == 'i' || c0 == 'I';
            if (plausible) {
                try {
                    return parseAsciiNumber(tok);
                } catch (NumberFormatException ex) {
                    // fall through
                }
            }
            throw new IOException(fileName + ": ascii PLY element '" + clip(e.name) + "' row " + row
                    + " has '" + clip(tok) + "' where a number belongs");
        }

        /**
         * Skips every row of an element (lists included).
         *
         * @param e the element
         * @throws IOException if the data ends early or a list length is bad
         */
        void skip(Element e) throws IOException {
            if (e.properties.isEmpty()) {
                return;
            }
            if (e.count > remaining()) {
                throw new IOException(fileName + ": ascii PLY element '" + clip(e.name) + "' declares " + e.count
                        + " rows but only " + remaining() + " bytes follow");
            }
            for (long r = 0; r < e.count; r++) {
                for (Property p : e.properties) {
                    double v = number(e, r);
                    if (p.isList()) {
                        if (!(v >= 0) || v != Math.rint(v) || v > remaining()) {
                            throw new IOException(fileName + ": ascii PLY element '" + clip(e.name) + "' row " + r
                                    + " has a bad list length " + v);
                        }
                        for (long k = 0, n = (long) v; k < n; k++) {
                            number(e, r);
                        }
                    }
                }
            }
        }
    }

    /** Parses an ascii number: decimal integers and floats, nan and inf spelled as C and Python print them. */
    static double parseAsciiNumber(String tok) {
        String s = tok;
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "nan": case "+nan": case "-nan": return Double.NaN;
            case "inf": case "+inf": case "infinity": case "+infinity": return Double.POSITIVE_INFINITY;
            case "-inf": case "-infinity": return Double.NEGATIVE_INFINITY;
            default: break;
        }
        // Java accepts suffixes (1f, 2d) and hex; PLY does not, so only allow [0-9+-.eE]
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E')) {
                throw new NumberFormatException(s);
            }
        }
        return Double.parseDouble(s);
    }
}
