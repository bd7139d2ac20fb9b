package io.github.gen3d.splat;

import com.jme3.asset.ModelKey;
import com.jme3.export.InputCapsule;
import com.jme3.export.JmeExporter;
import com.jme3.export.JmeImporter;
import com.jme3.export.OutputCapsule;
import java.io.IOException;
import java.util.Objects;

/**
 * Asset key for splat files with loading options. A plain {@code assetManager.loadModel("Splats/x.ply")} uses
 * the defaults; pass a {@code SplatKey} to change them:
 *
 * <pre>{@code
 * Spatial s = assetManager.loadModel(new SplatKey("Splats/x.ply").setSourceFrame(SplatFrame.RUB));
 * }</pre>
 *
 * Options: the frame the file's data is in ({@code null}, the default, means the format's own frame: RDF for PLY
 * and .splat, RUB for SPZ), and whether to convert to jME's frame (default true; false keeps the file's frame).
 * Keys with different options are different cache entries.
 */
public final class SplatKey extends ModelKey {
    private SplatFrame sourceFrame;
    private boolean convertToJme = true;

    /**
     * Creates a key with default options.
     *
     * @param name asset path (not null)
     */
    public SplatKey(String name) {
        super(name);
    }

    /** No-argument constructor for de-serialisation only. */
    public SplatKey() {
        super();
    }

    /** @return the frame the file is taken to be in, or null for the format's own frame */
    public SplatFrame getSourceFrame() {
        return sourceFrame;
    }

    /**
     * Overrides the frame the file's data is taken to be in.
     *
     * @param frame the frame, or null (default) for the format's own frame
     * @return this key
     */
    public SplatKey setSourceFrame(SplatFrame frame) {
        this.sourceFrame = frame;
        return this;
    }

    /** @return true (default) if the cloud is converted to jME's frame (RUB) */
    public boolean isConvertToJme() {
        return convertToJme;
    }

    /**
     * Chooses whether to convert to jME's frame.
     *
     * @param convert true (default) to convert to RUB, false to keep the source frame
     * @return this key
     */
    public SplatKey setConvertToJme(boolean convert) {
        this.convertToJme = convert;
        return this;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof SplatKey k)) {
            return false;
        }
        return Objects.equals(name, k.name) && sourceFrame == k.sourceFrame && convertToJme == k.convertToJme;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, sourceFrame, convertToJme);
    }

    @Override
    public String toString() {
        return name + " (source frame " + (sourceFrame == null ? "auto" : sourceFrame)
                + (convertToJme ? ", to jME frame)" : ", unconverted)");
    }

    @Override
    public void write(JmeExporter ex) throws IOException {
        super.write(ex);
        OutputCapsule oc = ex.getCapsule(this);
        oc.write(sourceFrame, "sourceFrame", null);
        oc.write(convertToJme, "convertToJme", true);
    }

    @Override
    public void read(JmeImporter im) throws IOException {
        super.read(im);
        InputCapsule ic = im.getCapsule(this);
        sourceFrame = ic.readEnum("sourceFrame", SplatFrame.class, null);
        convertToJme = ic.readBoolean("convertToJme", true);
    }
}
