package io.github.gen3d.render;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs independent work items on a shared fork-join pool per thread count (daemon threads, created on first use).
 * Items are handed out dynamically; callers make each item write only its own outputs, so results never depend on
 * which thread ran what.
 */
final class Parallel {
    private static final ConcurrentHashMap<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();

    private Parallel() {
    }

    /**
     * Calls {@code body} once for every item {@code 0 .. items-1} and returns when all are done.
     *
     * @param threads parallelism (1 runs everything on the calling thread)
     * @param items number of items
     * @param body the work (not null); its unchecked exceptions are rethrown here
     * @throws CancellationException if the calling thread is interrupted while waiting (its interrupt flag is set)
     */
    static void forEach(int threads, int items, IntConsumer body) {
        if (threads <= 1 || items <= 1) {
            for (int i = 0; i < items; i++) {
                body.accept(i);
            }
            return;
        }
        ForkJoinPool pool = POOLS.computeIfAbsent(threads, ForkJoinPool::new);
        AtomicInteger next = new AtomicInteger();
        int workers = Math.min(threads, items);
        List<Callable<Void>> tasks = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            tasks.add(() -> {
                for (int i = next.getAndIncrement(); i < items; i = next.getAndIncrement()) {
                    body.accept(i);
                }
                return null;
            });
        }
        List<Future<Void>> futures = pool.invokeAll(tasks);
        for (Future<Void> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                next.set(items);
                CancellationException ce = new CancellationException("rendering interrupted");
                ce.initCause(e);
                throw ce;
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(c);
            }
        }
    }
}
