package org.appban.cli.support;

/**
 * Arguments that parse but do not make sense together or with the world (two options that exclude each other, a
 * function template.yaml does not have, a value out of range): the command line answers it as it answers a bad
 * option, with a one-line error, the command's usage and exit code 2.
 */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
