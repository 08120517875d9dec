package org.appban.rehearsal;

/**
 * The process dying at a chosen point (the fault bench's crash points): an {@link Error}, so that no
 * {@code catch (RuntimeException)} in the functions turns it into a handled failure, as nothing would handle a real
 * one. Only the platform (the rehearsal's retry of the invocation) sees it.
 */
public final class SimulatedCrash extends Error {
    public SimulatedCrash(String point) {
        super("simulated crash: " + point, null, false, false);
    }
}
