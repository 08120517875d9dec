package org.appban.admin;

/**
 * The admin request's wire format, where the service itself must read it: a request stored as it was sent while it
 * waited for a second administrator ({@code SecondApprovals}), and the other function's request inside a manual run.
 * Both are JSON, whose reading belongs to adapters ({@code AdminRequestJson}); the service sees typed requests only.
 */
public interface AdminRequestFormat {
    /**
     * A request as it was sent, read again as strictly as when it came.
     *
     * @throws org.appban.input.InvalidInputException naming every problem
     */
    AdminRequest read(String text);

    /**
     * Checks a manual run's request as its function will read it, so that a request the function would refuse is
     * refused here, before anything is recorded or handed on. The function checks it again in full.
     *
     * @throws org.appban.input.InvalidInputException naming the field, as the function would
     */
    void checkManualRun(AdminRequest.ManualRun run);
}
