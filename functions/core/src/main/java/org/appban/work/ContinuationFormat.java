package org.appban.work;

/**
 * A {@link Continuation} as the queue message that carries it, written and read back: the port the rounds hand their
 * steps on and let them in through ({@code work.ContinuationJson} in adapters), so that the rounds themselves know
 * no message format.
 */
public interface ContinuationFormat {
    String write(Continuation continuation);

    /**
     * Reads a message body strictly.
     *
     * @param source what the body is, for the problems ({@code continuation <messageId>})
     * @throws org.appban.input.InvalidInputException naming every problem, for a body that is not a continuation
     * @throws IllegalArgumentException               for fields each valid on its own that make no continuation
     */
    Continuation read(String body, String source);
}
