package org.appban.lambda;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming. Each handler's production constructor registers one of these: before Lambda takes the
 * snapshot of an initialised function (SnapStart on published versions), {@link #beforeCheckpoint} runs the
 * function's warm-up, so the classes and code of its path are loaded and compiled in the snapshot rather than on
 * the first invocation after a restore.
 *
 * <p>A warm-up must have no side effects: it parses a sample event, renders a template, marshals and unmarshals the
 * function's SDK calls against a canned HTTP response ({@link org.appban.aws.SdkPriming}), runs its MDM and NAC
 * adapters against canned answers ({@link org.appban.wiring.AdapterPriming}); it never sends, writes or opens a
 * connection. A failing warm-up is logged and ignored: a snapshot without priming is only slower.
 * Outside a CRaC JVM (a plain Lambda container, tests) org.crac's global context never calls it.
 */
public final class Priming implements Resource {
    /** org.crac holds resources weakly; these references keep them until the checkpoint. */
    private static final List<Priming> REGISTERED = new CopyOnWriteArrayList<>();

    private final String function;
    private final Runnable warmUp;

    private Priming(String function, Runnable warmUp) {
        this.function = function;
        this.warmUp = warmUp;
    }

    /** Registers {@code warmUp} to run before the snapshot of {@code function}. */
    public static void register(String function, Runnable warmUp) {
        Priming priming = new Priming(function, warmUp);
        REGISTERED.add(priming);
        Core.getGlobalContext().register(priming);
    }

    /** The warm-ups registered so far in this JVM, by the name each was registered with, in order. */
    public static List<String> registered() {
        return REGISTERED.stream().map(p -> p.function).toList();
    }

    /**
     * Runs every registered warm-up now, as a checkpoint would (the cold-start runner's {@code --prime}); returns
     * the functions warmed. Unlike a checkpoint, a failing warm-up is thrown, so that tests see it.
     */
    public static List<String> runAll() {
        List<String> warmed = new ArrayList<>();
        for (Priming p : REGISTERED) {
            p.warmUp.run();
            warmed.add(p.function);
        }
        return warmed;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        run();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to restore: the warm-up kept no state and opened nothing.
    }

    private void run() {
        try {
            warmUp.run();
        } catch (RuntimeException e) {
            System.err.println("appban: priming of " + function + " failed (the snapshot is only slower): " + e);
        }
    }
}
