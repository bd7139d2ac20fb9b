package io.github.gen3d.service;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A content-addressed disk cache of byte payloads (generated assets), limited in total size, evicting the least
 * recently used entries.
 *
 * <p><b>Keys.</b> A key is the lowercase hex SHA-256 of everything that determines a payload, made with
 * {@link #key(Map)}; any other string is refused, so a key can never name a path outside the folder.
 *
 * <p><b>Files.</b> The entry for a key is the file {@code <key>.g3dc} in the cache folder ({@link #fileFor}). Writes
 * go to a temporary file {@code .tmp-<random>.part} in the same folder, which is forced to disk and then renamed over
 * the entry's name atomically; temporary files are never counted or served, and those older than
 * {@link #STALE_TEMP_AGE} (left by a killed process) are deleted when a cache is opened. Other files in the folder
 * are ignored.
 *
 * <p><b>Entry format</b> (big-endian), {@value #HEADER_BYTES} header bytes followed by the payload:
 * <pre>
 * offset  size  field
 *      0     8  magic, the ASCII bytes "G3DCACHE"
 *      8     4  format version, int, {@value #FORMAT_VERSION}
 *     12     8  payload length n, long; the file is exactly 84 + n bytes long
 *     20    32  the key the entry was stored under (its 64 hex digits as 32 bytes)
 *     52    32  SHA-256 of the payload
 *     84     n  payload
 * </pre>
 * An entry that breaks any of these rules (bad magic, other version, a length that disagrees with the file's size,
 * checked before anything is allocated, a key other than the one its file name says, as a copied or renamed entry
 * has, a checksum mismatch, an unreadable file or anything but a regular file) is deleted, logged as a WARNING and
 * reported as a miss; it is never served. Entries of format version 1 (no key) are dropped the same way.
 *
 * <p><b>Size and eviction.</b> The size of the cache is the sum of its entry files' sizes (headers included). After
 * every {@link #put} (and when a cache is opened) the least recently used entries, by last-modified time, are deleted
 * until the total is at most the limit. A hit sets its entry's last-modified time to now. A payload whose entry alone
 * would exceed the limit is not stored.
 *
 * <p><b>Concurrency.</b> An instance may be used by several threads at once; eviction is serialised within the
 * instance. Several processes (or instances) may share a folder: since an entry only ever appears by an atomic rename,
 * a reader sees a whole old entry, a whole new entry, or none. Eviction across processes is not coordinated, so a
 * shared folder may briefly exceed its limit, and a process may delete an entry another has just refreshed; for a
 * cache that only costs a recomputation. The folder's own entry for a rename is not forced to disk, so after a power
 * failure a finished put may be lost (never half-present).
 */
final class AssetCache {
    /** The magic bytes that open every entry file: ASCII "G3DCACHE". */
    static final byte[] MAGIC = "G3DCACHE".getBytes(StandardCharsets.US_ASCII);
    /** The entry format version written and accepted. */
    static final int FORMAT_VERSION = 2;
    /** Header length in bytes: magic (8), version (4), payload length (8), key (32), SHA-256 (32). */
    static final int HEADER_BYTES = 8 + 4 + 8 + 32 + 32;
    /** The file-name suffix of entries. */
    static final String ENTRY_SUFFIX = ".g3dc";
    /** The file-name prefix of temporary files. */
    static final String TEMP_PREFIX = ".tmp-";
    /** The file-name suffix of temporary files. */
    static final String TEMP_SUFFIX = ".part";
    /** Temporary files last modified longer ago than this are deleted when a cache is opened. */
    static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

    private static final Logger LOG = Logger.getLogger(AssetCache.class.getName());
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ENTRY_NAME = Pattern.compile("[0-9a-f]{64}" + Pattern.quote(ENTRY_SUFFIX));
    private static final int SHA256_BYTES = 32;
    /** The largest payload a Java array can safely hold. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** Fed to the key digest first, so that keys of this scheme cannot collide with other SHA-256 uses. */
    private static final byte[] KEY_DOMAIN = "gen3d-asset-cache-key/1\n".getBytes(StandardCharsets.US_ASCII);

    /** The points of a {@link #put(String, byte[], WriteHook) put} at which its {@link WriteHook} is called. */
    enum WriteStage {
        /** The header is in the temporary file, the payload not yet. */
        HEADER_WRITTEN,
        /** The whole entry is in the temporary file and forced to disk; the rename comes next. */
        PAYLOAD_WRITTEN
    }

    /** Called during a put, so that tests can make it fail midway. */
    @FunctionalInterface
    interface WriteHook {
        /** Does nothing. */
        WriteHook NONE = (stage, temp) -> {
        };

        /**
         * Called when a put reaches a stage; an exception thrown here aborts the put like a write error would.
         *
         * @param stage the stage reached (not null)
         * @param temp the temporary file being written (not null, must not be deleted or moved)
         * @throws IOException to abort the put
         */
        void reached(WriteStage stage, Path temp) throws IOException;
    }

    /** An entry file seen while listing the folder. */
    private record EntryFile(Path path, long size, FileTime modified) {
    }

    /** A reason to treat an entry as a miss and delete it. */
    private static final class CorruptEntryException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptEntryException(String problem) {
            super(problem, null, false, false);
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final Object evictionLock = new Object();

    /**
     * Opens (or creates) a cache folder: creates the folder if missing, deletes stale temporary files and evicts
     * entries until the folder fits the limit.
     *
     * @param dir the cache folder, created with its parents if missing (not null)
     * @param maxBytes the size limit of all entry files together, in bytes (&gt; 0)
     * @throws IllegalArgumentException if {@code dir} is null or {@code maxBytes} ≤ 0
     * @throws IOException if the folder cannot be created or listed, or exists as something other than a folder
     */
    AssetCache(Path dir, long maxBytes) throws IOException {
        if (dir == null) {
            throw new IllegalArgumentException("the cache folder must not be null");
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("the cache size limit must be > 0 bytes, got " + maxBytes);
        }
        this.dir = dir;
        this.maxBytes = maxBytes;
        Files.createDirectories(dir);
        deleteStaleTempFiles();
        evict(null);
    }

    /**
     * The canonical key of a set of named parts (model, prompt, seed, settings …): the lowercase hex SHA-256 of a
     * domain tag (the ASCII line {@code "gen3d-asset-cache-key/1\n"}) followed by the parts sorted by name, each
     * written as name then value, each string as its length in UTF-16 code units (4-byte big-endian int) followed by
     * its code units (2 bytes each, big-endian). The encoding is unambiguous, so two different maps never share a
     * serialisation; the order of the map's entries does not matter.
     *
     * @param parts the named parts (not null, no null names or values; unaffected; may be empty)
     * @return 64 lowercase hex digits (not null)
     * @throws IllegalArgumentException if {@code parts}, a name or a value is null
     */
    static String key(Map<String, String> parts) {
        if (parts == null) {
            throw new IllegalArgumentException("the key parts must not be null");
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> part : parts.entrySet()) {
            if (part.getKey() == null) {
                throw new IllegalArgumentException("a key part's name must not be null");
            }
            if (part.getValue() == null) {
                throw new IllegalArgumentException("the key part \"" + part.getKey() + "\" must not be null");
            }
            sorted.put(part.getKey(), part.getValue());
        }
        MessageDigest sha = sha256();
        sha.update(KEY_DOMAIN);
        for (Map.Entry<String, String> part : sorted.entrySet()) {
            updateString(sha, part.getKey());
            updateString(sha, part.getValue());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * The payload stored under a key. A hit sets its entry's last-modified time to now. A corrupt, truncated or
     * unreadable entry is deleted, logged as a WARNING naming the file and the problem, and reported as a miss.
     *
     * @param key a key made by {@link #key(Map)} (not null)
     * @return a new array holding the payload (the caller may change it), or empty on a miss (not null)
     * @throws IllegalArgumentException if the key is not 64 lowercase hex digits
     * @throws IOException not thrown by this implementation, in which a missing, corrupt or unreadable entry is a
     *     miss; declared so that callers handle a failing cache folder
     */
    Optional<byte[]> get(String key) throws IOException {
        Path file = fileFor(key);
        byte[] payload;
        try {
            payload = read(file, key);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (CorruptEntryException e) {
            discard(file, e.getMessage());
            return Optional.empty();
        } catch (IOException e) {
            discard(file, "unreadable: " + e);
            return Optional.empty();
        }
        touch(file);
        return Optional.of(payload);
    }

    /**
     * Stores a payload under a key, replacing any entry there, then evicts least recently used entries until the
     * cache fits its limit. The entry is written to a temporary file in the cache folder, forced to disk and renamed
     * to its final name atomically; if anything fails the temporary file is deleted and an earlier entry under the key
     * stays as it was. A payload whose entry ({@value #HEADER_BYTES} + length bytes) alone exceeds the limit is not
     * stored (logged at INFO); an earlier entry under the key then stays too.
     *
     * @param key a key made by {@link #key(Map)} (not null)
     * @param payload the bytes to store (not null, may be empty; unaffected, not to be changed during the call)
     * @throws IllegalArgumentException if the key is not 64 lowercase hex digits or the payload is null
     * @throws IOException if the entry cannot be written or renamed (nothing is left under the final name then)
     */
    void put(String key, byte[] payload) throws IOException {
        put(key, payload, WriteHook.NONE);
    }

    /**
     * {@link #put(String, byte[])} that calls a hook at each {@link WriteStage}, so that tests can make a put fail
     * midway.
     *
     * @param key a key made by {@link #key(Map)} (not null)
     * @param payload the bytes to store (not null, may be empty; unaffected, not to be changed during the call)
     * @param hook called at each stage; whatever it throws aborts the put and is rethrown (not null)
     * @throws IllegalArgumentException if the key is not 64 lowercase hex digits, or the payload or hook is null
     * @throws IOException if the entry cannot be written or renamed, or the hook throws one
     */
    void put(String key, byte[] payload, WriteHook hook) throws IOException {
        Path target = fileFor(key);
        if (payload == null) {
            throw new IllegalArgumentException("the payload must not be null");
        }
        if (hook == null) {
            throw new IllegalArgumentException("the write hook must not be null");
        }
        long entryBytes = HEADER_BYTES + (long) payload.length;
        if (entryBytes > maxBytes) {
            LOG.info(() -> "not caching " + key + ": its entry of " + entryBytes + " bytes exceeds the cache limit of "
                    + maxBytes + " bytes");
            return;
        }
        byte[] checksum = sha256().digest(payload);
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
        header.put(MAGIC).putInt(FORMAT_VERSION).putLong(payload.length).put(HexFormat.of().parseHex(key))
                .put(checksum).flip();

        Path temp = Files.createTempFile(dir, TEMP_PREFIX, TEMP_SUFFIX);
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                writeFully(out, header);
                hook.reached(WriteStage.HEADER_WRITTEN, temp);
                writeFully(out, ByteBuffer.wrap(payload));
                out.force(true);
            }
            hook.reached(WriteStage.PAYLOAD_WRITTEN, temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException | RuntimeException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
        evict(target);
    }

    /**
     * Deletes the entry for a key if there is one.
     *
     * @param key a key made by {@link #key(Map)} (not null)
     * @return true if an entry was deleted, false if there was none
     * @throws IllegalArgumentException if the key is not 64 lowercase hex digits
     * @throws IOException if the entry exists but cannot be deleted
     */
    boolean remove(String key) throws IOException {
        return Files.deleteIfExists(fileFor(key));
    }

    /**
     * @return the total size in bytes of the entry files now in the folder, headers included, temporary and foreign
     *     files not counted (≥ 0)
     * @throws IOException if the folder cannot be listed
     */
    long sizeBytes() throws IOException {
        long total = 0;
        for (EntryFile e : listEntries()) {
            total += e.size();
        }
        return total;
    }

    /**
     * @return the number of entry files now in the folder, temporary and foreign files not counted (≥ 0)
     * @throws IOException if the folder cannot be listed
     */
    int entryCount() throws IOException {
        return listEntries().size();
    }

    /** @return the cache folder (not null) */
    Path dir() {
        return dir;
    }

    /** @return the size limit of all entry files together, in bytes (&gt; 0) */
    long maxBytes() {
        return maxBytes;
    }

    /**
     * Where the entry for a key lives (whether or not it exists).
     *
     * @param key a key made by {@link #key(Map)} (not null)
     * @return {@code <dir>/<key>.g3dc} (not null)
     * @throws IllegalArgumentException if the key is null or not 64 lowercase hex digits
     */
    Path fileFor(String key) {
        checkKey(key);
        return dir.resolve(key + ENTRY_SUFFIX);
    }

    /** @return the folder, limit and a description (not null) */
    @Override
    public String toString() {
        return "AssetCache[" + dir + ", max " + maxBytes + " bytes]";
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Reads and checks an entry file.
     *
     * @param file the entry file (not null, unaffected)
     * @param key the key its file name says (64 hex digits)
     * @return its payload (not null)
     * @throws NoSuchFileException if there is no such file
     * @throws CorruptEntryException if the file breaks the format
     * @throws IOException if it cannot be read
     */
    private static byte[] read(Path file, String key) throws IOException, CorruptEntryException {
        io.github.gen3d.internal.SafeFiles.requireRegular(file); // a FIFO would block the open below
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size < HEADER_BYTES) {
                throw new CorruptEntryException("truncated: " + size + " bytes, shorter than the " + HEADER_BYTES
                        + "-byte header");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
            readFully(in, header, 0);
            header.flip();
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new CorruptEntryException("bad magic " + HexFormat.of().formatHex(magic)
                        + ", not a cache entry");
            }
            int version = header.getInt();
            if (version != FORMAT_VERSION) {
                throw new CorruptEntryException("unsupported format version " + version + " (expected "
                        + FORMAT_VERSION + ")");
            }
            long length = header.getLong();
            // before allocating anything: a lying header must not cause a giant allocation
            if (length != size - HEADER_BYTES) {
                throw new CorruptEntryException("wrong length: the header says " + length + " payload bytes, the file"
                        + " holds " + (size - HEADER_BYTES));
            }
            if (length > MAX_ARRAY) {
                throw new CorruptEntryException("payload of " + length + " bytes is too large to read");
            }
            byte[] stored = new byte[SHA256_BYTES];
            header.get(stored);
            if (!MessageDigest.isEqual(stored, HexFormat.of().parseHex(key))) {
                throw new CorruptEntryException("stored under key " + HexFormat.of().formatHex(stored)
                        + ", not the key its name says (a copied or renamed entry)");
            }
            byte[] expected = new byte[SHA256_BYTES];
            header.get(expected);
            byte[] payload = new byte[(int) length];
            readFully(in, ByteBuffer.wrap(payload), HEADER_BYTES);
            if (!MessageDigest.isEqual(expected, sha256().digest(payload))) {
                throw new CorruptEntryException("checksum mismatch: the payload's SHA-256 differs from the header's");
            }
            return payload;
        }
    }

    /** Reads until {@code buf} is full, from {@code position}; a short file is corrupt. */
    private static void readFully(FileChannel in, ByteBuffer buf, long position)
            throws IOException, CorruptEntryException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = in.read(buf, pos);
            if (n < 0) {
                throw new CorruptEntryException("truncated while reading: ended at byte " + pos);
            }
            pos += n;
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            out.write(buf);
        }
    }

    /** Deletes a corrupt entry and logs a warning naming it and the problem. */
    private static void discard(Path file, String problem) {
        String outcome;
        try {
            Files.deleteIfExists(file);
            outcome = "deleted";
        } catch (IOException | RuntimeException e) {
            outcome = "could not delete it: " + e;
        }
        String deleted = outcome;
        LOG.warning(() -> "corrupt cache entry " + file + ": " + problem + "; " + deleted + ", treated as a miss");
    }

    /** Marks an entry as just used; it may have been evicted meanwhile by another thread or process. */
    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "could not refresh the recency of " + file, e);
        }
    }

    /**
     * Deletes least recently used entries until the cache fits its limit.
     *
     * @param keep an entry never deleted (the one just written), or null
     */
    private void evict(Path keep) throws IOException {
        synchronized (evictionLock) {
            List<EntryFile> entries = listEntries();
            long total = 0;
            for (EntryFile e : entries) {
                total += e.size();
            }
            if (total <= maxBytes) {
                return;
            }
            entries.sort(Comparator.comparing(EntryFile::modified)
                    .thenComparing(e -> e.path().getFileName().toString()));
            for (EntryFile e : entries) {
                if (total <= maxBytes) {
                    break;
                }
                if (e.path().equals(keep)) {
                    continue;
                }
                try {
                    Files.deleteIfExists(e.path());
                    LOG.fine(() -> "evicted " + e.path() + " (" + e.size() + " bytes)");
                } catch (IOException ex) {
                    LOG.log(Level.WARNING, "could not evict cache entry " + e.path(), ex);
                    continue;
                }
                total -= e.size();
            }
        }
    }

    /** @return the entry files now in the folder, in no order (not null, new) */
    private List<EntryFile> listEntries() throws IOException {
        List<EntryFile> entries = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                if (!ENTRY_NAME.matcher(p.getFileName().toString()).matches()) {
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        entries.add(new EntryFile(p, a.size(), a.lastModifiedTime()));
                    }
                } catch (NoSuchFileException e) {
                    // evicted or removed meanwhile
                }
            }
        }
        return entries;
    }

    /** Deletes temporary files older than {@link #STALE_TEMP_AGE}, left by a process killed during a put. */
    private void deleteStaleTempFiles() throws IOException {
        FileTime cutoff = FileTime.from(Instant.now().minus(STALE_TEMP_AGE));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                if (!name.startsWith(TEMP_PREFIX) || !name.endsWith(TEMP_SUFFIX)) {
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile() && a.lastModifiedTime().compareTo(cutoff) < 0) {
                        Files.deleteIfExists(p);
                        LOG.fine(() -> "deleted stale temporary file " + p);
                    }
                } catch (NoSuchFileException e) {
                    // deleted meanwhile
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "could not delete stale temporary file " + p, e);
                }
            }
        }
    }

    private static void checkKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("the cache key must not be null");
        }
        if (!KEY.matcher(key).matches()) {
            String shown = key.length() > 80 ? key.substring(0, 80) + "…" : key;
            throw new IllegalArgumentException("a cache key must be 64 lowercase hex digits (see AssetCache.key), "
                    + "got \"" + shown + "\"");
        }
    }

    private static void updateString(MessageDigest sha, String s) {
        ByteBuffer buf = ByteBuffer.allocate(4 + 2 * s.length()).order(ByteOrder.BIG_ENDIAN);
        buf.putInt(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf.putChar(s.charAt(i));
        }
        sha.update(buf.array());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
