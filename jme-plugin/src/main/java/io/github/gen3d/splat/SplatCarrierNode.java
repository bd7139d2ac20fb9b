package io.github.gen3d.splat;

import com.jme3.scene.Node;

/**
 * PLACEHOLDER spatial that {@link SplatSpatials#create} returns until the GPU renderer's node is merged: a plain
 * node that carries the loaded cloud. Clones (the asset cache clones models) share the same cloud.
 */
final class SplatCarrierNode extends Node {
    private GaussianCloud cloud;

    /**
     * @param name node name (may be null)
     * @param cloud the cloud (not null, stored by reference)
     */
    SplatCarrierNode(String name, GaussianCloud cloud) {
        super(name);
        this.cloud = cloud;
    }

    /** @return the cloud (live, not a copy) */
    GaussianCloud cloud() {
        return cloud;
    }
}
