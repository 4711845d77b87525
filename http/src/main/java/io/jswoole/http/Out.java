package io.jswoole.http;

/**
 * One piece of a response on its way to the {@link Sequencer}: a Netty HTTP object or file region for request
 * {@code seq} of its connection. {@code last} ends that response; {@code close} closes the connection after it.
 * A negative {@code seq} is written at once, in no order (a response created for an fd without a request).
 */
record Out(long seq, Object msg, boolean last, boolean close) {
    static final long UNORDERED = -1;

    /** A piece of a file, sent zero-copy when the Sequencer writes it (a path can travel between JVMs). */
    record FilePart(java.io.File file, long offset, long count) {
    }
}
