package io.github.gen3d.service;

import com.jme3.asset.AssetManager;
import io.github.gen3d.internal.AtomicFiles;
import io.github.gen3d.mesh.JmeMeshes;
import io.github.gen3d.mesh.MeshExport;
import io.github.gen3d.splat.SplatIO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes results into an assets folder: the asset, its metadata JSON and its input picture. */
final class AssetSaver {
    private AssetSaver() {
    }

    /** See {@link GenerationResult#save}. */
    static Path save(GenerationResult result, Path folder, String name, AssetFormat format, AssetManager assets)
            throws IOException {
        if (result == null || folder == null || format == null) {
            throw new IllegalArgumentException("result, folder and format must not be null");
        }
        GenerationRequest.checkName(name);
        Path dir = folder.toAbsolutePath().normalize();
        Path target = inside(dir, name + format.extension());
        if (format == AssetFormat.J3O && result.mesh().isEmpty()) {
            throw new IOException(target + ": J3O holds the mesh, and this result has none (generate with output"
                    + " MESH or BOTH, or save the splats as SPZ, PLY or GLB)");
        }
        if (format == AssetFormat.J3O && assets == null) {
            throw new IllegalArgumentException("saving J3O needs an asset manager for the material");
        }
        Files.createDirectories(dir);
        // the input picture first, then the metadata, then the asset: a reader that finds the asset finds the rest
        String inputName;
        if (result.sourceFile() != null) {
            String f = result.sourceFile().getFileName().toString();
            int dot = f.lastIndexOf('.');
            String ext = dot > 0 ? f.substring(dot).toLowerCase(java.util.Locale.ROOT) : "";
            inputName = name + "-input" + (ext.matches("\\.[a-z0-9]{1,5}") ? ext : ".img");
            writeBytes(inside(dir, inputName), Files.readAllBytes(result.sourceFile()));
        } else {
            inputName = name + "-input.png";
            writeBytes(inside(dir, inputName), ResultCodec.png(result.sourceImage()));
        }
        GenerationMetadata meta = result.metadata().withInputFile(inputName);
        writeBytes(inside(dir, name + ".json"), meta.toJson().getBytes(StandardCharsets.UTF_8));
        switch (format) {
            case SPZ, PLY -> SplatIO.write(result.gaussians(), target);
            case GLB -> {
                if (result.mesh().isPresent()) {
                    MeshExport.writeGlb(result.mesh().get(), target);
                } else {
                    SplatIO.write(result.gaussians(), target);
                }
            }
            case J3O -> MeshExport.writeJ3o(JmeMeshes.toGeometry(name, JmeMeshes.toMesh(result.mesh().get()),
                    assets), target);
            default -> throw new IllegalStateException(format.toString());
        }
        return target;
    }

    /** Resolves a file name in a folder, refusing anything that would land outside it. */
    static Path inside(Path dir, String fileName) {
        Path p = dir.resolve(fileName).normalize();
        if (!dir.equals(p.getParent())) {
            throw new IllegalArgumentException("asset file '" + fileName + "' would leave the folder " + dir);
        }
        return p;
    }

    /** Writes atomically (see {@link AtomicFiles}). */
    static void writeBytes(Path file, byte[] data) throws IOException {
        AtomicFiles.write(file, data);
    }
}
