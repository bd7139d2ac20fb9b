package io.github.gen3d.testing;

import com.jme3.app.Application;
import com.jme3.app.state.BaseAppState;

/** An app state that only acts in {@code update} (for tests and benchmarks): the life-cycle methods do nothing. */
public abstract class UpdateState extends BaseAppState {
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
