package io.github.gen3d.splat;

import com.jme3.scene.Node;

/**
 * The one place that turns a loaded cloud into a scene-graph object, so the asset loader does not depend on the
 * renderer. PLACEHOLDER: returns a {@link SplatCarrierNode}; the lead switches it to the GPU splat node at merge.
 */
final class SplatSpatials {
    private SplatSpatials() {
    }

    /**
     * Builds the spatial for a loaded cloud.
     *
     * @param cloud the cloud, in the frame the caller wants rendered (not null, stored by reference)
     * @param name the spatial's name (usually the asset path)
     * @return a new node
     */
    static Node create(GaussianCloud cloud, String name) {
        return new SplatCarrierNode(name, cloud);
    }
}
