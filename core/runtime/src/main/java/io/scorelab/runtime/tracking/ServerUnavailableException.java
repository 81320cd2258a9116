package io.scorelab.runtime.tracking;

/**
 * The tracking server could not be reached or answered that it cannot serve now (a connection
 * error, a 5xx answer, 408 or 429): the request may succeed later, so it is kept and retried.
 */
final class ServerUnavailableException extends RuntimeException {

    ServerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
