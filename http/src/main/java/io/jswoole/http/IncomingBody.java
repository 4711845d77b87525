package io.jswoole.http;

/**
 * The event loop's side of a streamed request body: where {@link HttpGuard} and {@link H2Connection} put the bytes
 * as they are decoded. In one JVM that is the {@link RequestBody} the handler reads; in a PROCESS-mode master it
 * is a {@link BodyRelay} that sends them on to the worker JVM holding the request.
 */
interface IncomingBody {
    /** Bytes decoded for this body; returns the bytes not yet read by the handler, or -1 when they were dropped. */
    long offer(byte[] b);

    /** The last byte arrived. */
    void end();

    /** The request was cut off before its body ended: reads fail with {@code why}. */
    void fail(String why);

    /** The request was cut off (reset, connection lost), its body ended or not: the abort hooks run. */
    void aborted(String why);

    /** The response ended: what is not read is dropped, and so is what still comes. */
    void abandon();

    /** Whether the last byte arrived. */
    boolean isComplete();

    /** The body the handler reads, when it is read in this JVM; null for a {@link BodyRelay}. */
    default RequestBody reader() {
        return null;
    }

    /** The request was handed to the server (bytes may follow it now). */
    default void dispatched() {
    }
}
