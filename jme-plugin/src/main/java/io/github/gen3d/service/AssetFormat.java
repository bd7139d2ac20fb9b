package io.github.gen3d.service;

/** The file formats a {@link GenerationResult} can be saved in. */
public enum AssetFormat {
    /** Niantic's compressed splat format ({@code .spz}, v2): the Gaussians, about 10× smaller than PLY. */
    SPZ(".spz"),
    /** The INRIA 3D Gaussian splatting PLY ({@code .ply}): the Gaussians, full precision. */
    PLY(".ply"),
    /**
     * Binary glTF ({@code .glb}): the mesh with vertex colours when the result has one, else the Gaussians as
     * {@code KHR_gaussian_splatting} points.
     */
    GLB(".glb"),
    /** jME's binary scene format ({@code .j3o}): the mesh as a lit geometry; needs a result with a mesh. */
    J3O(".j3o");

    private final String extension;

    AssetFormat(String extension) {
        this.extension = extension;
    }

    /** @return the file extension with its dot, e.g. ".spz" */
    public String extension() {
        return extension;
    }

    /**
     * @param name a format name or extension, e.g. "spz", ".GLB" (not null)
     * @return the format
     * @throws IllegalArgumentException if there is no such format
     */
    public static AssetFormat parse(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        for (AssetFormat f : values()) {
            if (f.extension.equals(n) || f.extension.substring(1).equals(n)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown asset format '" + name + "'; use spz, ply, glb or j3o");
    }
}
