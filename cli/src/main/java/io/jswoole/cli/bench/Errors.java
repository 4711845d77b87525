package io.jswoole.cli.bench;

import java.io.IOException;
import java.net.ConnectException;
import java.net.PortUnreachableException;

import io.netty.channel.ConnectTimeoutException;

/** The error classes of the report, from what the transport threw. */
final class Errors {
    static final String TIMEOUT = "timeout";
    static final String RESET = "reset";
    static final String CLOSED = "closed by the server";
    static final String REFUSED = "refused";

    private Errors() {
    }

    /** The class of a failed connect: {@code refused}, {@code connect timeout}, or {@code connect error}. */
    static String ofConnect(Throwable t) {
        String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (t instanceof ConnectTimeoutException || m.contains("timed out")) {
            return "connect timeout";
        }
        // ECONNREFUSED, and ENOENT for a Unix socket path that nothing is bound to
        boolean refused = m.contains("refused") || m.contains("no such file");
        return t instanceof ConnectException && refused ? REFUSED : "connect error";
    }

    /** The class of an error on an open connection: {@code reset}, {@code refused} (UDP), or {@code io error}. */
    static String ofIo(Throwable t) {
        if (t instanceof PortUnreachableException) {
            return REFUSED;
        }
        String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (t instanceof IOException && (m.contains("reset") || m.contains("broken pipe"))) {
            return RESET;
        }
        if (m.contains("refused")) {
            return REFUSED;
        }
        return "io error";
    }
}
