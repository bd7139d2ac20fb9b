package io.github.gen3d.sample;

import com.jme3.app.Application;
import com.jme3.app.state.BaseAppState;

/** An app state that only acts in {@code update}: its life-cycle methods do nothing unless overridden. */
abstract class UpdateState extends BaseAppState {
    @Override
    protected void initialize(Application app) {
    }

    @Override
    protected void cleanup(Application app) {
    }

    @Override
    protected void onEnable() {
    }

    @Override
    protected void onDisable() {
    }
}
