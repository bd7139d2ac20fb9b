package io.github.gen3d.service;

import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown by {@code submit} when the generator's queue already holds as many waiting jobs as its capacity allows.
 * Nothing was queued; try again when a job has finished, or raise {@link AssetGenerator.Options#queueCapacity}.
 */
public final class QueueFullException extends RejectedExecutionException {
    private static final long serialVersionUID = 1L;

    /** @param message says how full the queue is (not null) */
    QueueFullException(String message) {
        super(message);
    }
}
