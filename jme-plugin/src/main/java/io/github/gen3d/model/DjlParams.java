package io.github.gen3d.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a DJL parameter file as {@code Model.save} writes it ({@code BaseModel} format version 1): the magic
 * {@code "DJL@"}, an int version, the model name, the data type, the input descriptions, string properties, then
 * the block's own parameter stream. Reading it here, rather than through {@code Model.load(dir, prefix)}, lets a
 * bundle name the file freely and loads exactly the file whose checksum was verified.
 */
final class DjlParams {
    static final String MAGIC = "DJL@";
    static final int VERSION = 1;
    private static final int MAX_ENTRIES = 4096;

    private DjlParams() {
    }

    /**
     * Loads parameters into an initialised block.
     *
     * @param file the .params file (not null)
     * @param block the block to fill (not null, initialised)
     * @param manager the manager that will own the parameter arrays (not null)
     * @param bundle bundle name, for messages
     * @param component component name, for messages
     * @throws ModelBundleException if the file is not a DJL parameter file or does not fit the block
     */
    static void load(Path file, Block block, NDManager manager, String bundle, String component)
            throws ModelBundleException {
        try (InputStream raw = Files.newInputStream(file)) {
            load(raw, file.getFileName().toString(), block, manager, bundle, component);
        } catch (IOException e) {
            throw new ModelBundleException(bundle, component, "cannot read " + file + ": " + e, e);
        }
    }

    /**
     * Loads parameters from a stream (read to its end, not closed) into an initialised block.
     *
     * @param raw the parameter file's bytes (not null)
     * @param fileName the file's name, for messages
     * @param block the block to fill (not null, initialised)
     * @param manager the manager that will own the parameter arrays (not null)
     * @param bundle bundle name, for messages
     * @param component component name, for messages
     * @throws ModelBundleException if the data is not a DJL parameter file or does not fit the block
     */
    static void load(InputStream raw, String fileName, Block block, NDManager manager, String bundle,
            String component) throws ModelBundleException {
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
            byte[] magic = new byte[4];
            in.readFully(magic);
            if (!MAGIC.equals(new String(magic, StandardCharsets.ISO_8859_1))) {
                throw new ModelBundleException(bundle, component, fileName
                        + " is not a DJL parameter file (no DJL@ header; write it with Model.save)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new ModelBundleException(bundle, component, fileName
                        + " has DJL parameter format version " + version + "; this runtime reads " + VERSION);
            }
            in.readUTF(); // the saved model's name
            String dataType = in.readUTF();
            if (!"FLOAT32".equals(dataType)) {
                throw new ModelBundleException(bundle, component, fileName + " holds " + dataType
                        + " parameters; only FLOAT32 is supported");
            }
            int inputs = in.readInt();
            if (inputs < 0 || inputs > MAX_ENTRIES) {
                throw new ModelBundleException(bundle, component, fileName
                        + " is corrupt: " + inputs + " input descriptions");
            }
            for (int i = 0; i < inputs; i++) {
                in.readUTF();
                Shape.decode(in);
            }
            int properties = in.readInt();
            if (properties < 0 || properties > MAX_ENTRIES) {
                throw new ModelBundleException(bundle, component, fileName
                        + " is corrupt: " + properties + " properties");
            }
            for (int i = 0; i < properties; i++) {
                in.readUTF();
                in.readUTF();
            }
            block.loadParameters(manager, in);
            if (in.read() != -1) {
                throw new ModelBundleException(bundle, component, fileName
                        + " holds more parameters than the block has: it was saved from a different block or"
                        + " options");
            }
        } catch (EOFException e) {
            throw new ModelBundleException(bundle, component, fileName
                    + " ends early: it is truncated or was saved from a different block or options", e);
        } catch (MalformedModelException | IllegalArgumentException | IllegalStateException e) {
            throw new ModelBundleException(bundle, component, fileName + " does not fit the block: "
                    + e.getMessage(), e);
        } catch (ModelBundleException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelBundleException(bundle, component, "cannot read " + fileName + ": " + e, e);
        }
    }
}
