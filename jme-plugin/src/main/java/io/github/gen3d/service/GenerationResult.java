package io.github.gen3d.service;

import com.jme3.asset.AssetManager;
import com.jme3.scene.Geometry;
import com.jme3.scene.Node;
import com.jme3.scene.Spatial;
import io.github.gen3d.mesh.JmeMeshes;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.splat.SplatNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A generated prop: its Gaussians, its mesh when one was asked for, preview pictures and the metadata that can
 * regenerate it. The Gaussians sit in the model's frame: y up, the object centred at the origin within
 * [−0.5, 0.5]³, the input picture's camera on +Z (the first target view). Immutable apart from the shared
 * cloud, mesh and pictures, which must not be modified.
 */
public final class GenerationResult {
    private final GaussianCloud gaussians;
    private final TriangleMesh mesh;
    private final BufferedImage input;
    private final BufferedImage twoD;
    private final BufferedImage threeD;
    private final GenerationMetadata metadata;
    private final Path sourceFile;
    private final BufferedImage sourceImage;

    GenerationResult(GaussianCloud gaussians, TriangleMesh mesh, BufferedImage input, BufferedImage twoD,
            BufferedImage threeD, GenerationMetadata metadata, Path sourceFile, BufferedImage sourceImage) {
        this.sourceFile = sourceFile;
        this.sourceImage = sourceImage;
        this.gaussians = gaussians;
        this.mesh = mesh;
        this.input = input;
        this.twoD = twoD;
        this.threeD = threeD;
        this.metadata = metadata;
    }

    /** @return the Gaussians (not null; shared, do not modify — copy it first) */
    public GaussianCloud gaussians() {
        return gaussians;
    }

    /** @return the mesh, when the request asked for one (shared, do not modify) */
    public Optional<TriangleMesh> mesh() {
        return Optional.ofNullable(mesh);
    }

    /** @return the input picture as the model saw it (not null; shared, do not modify) */
    public BufferedImage input() {
        return input;
    }

    /** @return the 2D model's final target views side by side (not null; shared, do not modify) */
    public BufferedImage twoDPreview() {
        return twoD;
    }

    /** @return the Gaussians rendered at the target views, side by side (not null; shared, do not modify) */
    public BufferedImage threeDPreview() {
        return threeD;
    }

    /** @return the metadata (not null) */
    public GenerationMetadata metadata() {
        return metadata;
    }

    /** @return what the request asked for (not null) */
    public GenerationRequest.Output output() {
        return GenerationRequest.Output.valueOf(metadata.output());
    }

    GenerationResult withMetadata(GenerationMetadata m) {
        return new GenerationResult(gaussians, mesh, input, twoD, threeD, m, sourceFile, sourceImage);
    }

    GenerationResult withSource(Path file, BufferedImage picture) {
        return new GenerationResult(gaussians, mesh, input, twoD, threeD, metadata, file, picture);
    }

    /** @return the picture file the asset was made from, or null */
    Path sourceFile() {
        return sourceFile;
    }

    /** @return the in-memory picture the asset was made from, else the input as the model saw it (not null) */
    BufferedImage sourceImage() {
        return sourceImage != null ? sourceImage : input;
    }

    /**
     * Builds the scene node: a node named {@code name} holding a {@link SplatNode} ({@code name + "-splats"}) for
     * SPLATS, a lit vertex-coloured mesh {@link Geometry} ({@code name + "-mesh"}) for MESH, and for BOTH the two
     * with the mesh hidden ({@link Spatial.CullHint#Always}; show it with {@code setCullHint(Inherit)} or use it
     * for collision). Can be called on any thread; attach the node on the render thread.
     *
     * @param name the node's name (not null)
     * @param assets loads the materials (not null)
     * @return a new node (not null)
     */
    public Node toNode(String name, AssetManager assets) {
        if (name == null || assets == null) {
            throw new IllegalArgumentException("name and asset manager must not be null");
        }
        Node node = new Node(name);
        GenerationRequest.Output out = output();
        if (out.splats()) {
            node.attachChild(new SplatNode(gaussians, name + "-splats", assets));
        }
        if (mesh != null && out.mesh()) {
            Geometry g = JmeMeshes.toGeometry(name + "-mesh", JmeMeshes.toMesh(mesh), assets);
            if (out.splats()) {
                g.setCullHint(Spatial.CullHint.Always);
            }
            node.attachChild(g);
        }
        return node;
    }

    /**
     * Saves the asset into a folder (see {@link AssetFormat} for what each format holds), with
     * {@code name.json} (the {@link #metadata()}) and the input picture {@code name-input.png} beside it, so that
     * it can be generated again. Every file is written to a temporary file and renamed into place, so a failure
     * never leaves a partial file where a good one was.
     *
     * @param folder the target folder, e.g. the game's {@code assets/Models/Generated} (created if missing)
     * @param name the asset name (see {@link GenerationRequest#checkName}; it cannot leave the folder)
     * @param format the asset format (not null)
     * @param assets needed for {@link AssetFormat#J3O} (may be null for the others)
     * @return the asset file written (not null)
     * @throws IOException on a write failure, or when the format cannot hold this result (e.g. J3O without a mesh)
     * @throws IllegalArgumentException for a bad name
     */
    public Path save(Path folder, String name, AssetFormat format, AssetManager assets) throws IOException {
        return AssetSaver.save(this, folder, name, format, assets);
    }

    @Override
    public String toString() {
        return "GenerationResult[" + gaussians.size() + " Gaussians" + (mesh == null ? "" : ", mesh "
                + mesh.triangleCount() + " triangles") + ", seed " + metadata.seed() + (metadata.fromCache()
                ? ", from cache" : "") + "]";
    }
}
