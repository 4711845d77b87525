package io.jswoole.server;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A connection anywhere in a cluster of jswoole nodes ({@code cluster_redis}): the node that holds it
 * ({@code cluster_node_id}) and its fd there, printed {@code a#17} and read back by {@link #parse}. Swoole's fds are
 * per host, so two hosts both have an fd 17 (hyperf PR #1908); this names one of them. {@code send}, {@code close},
 * {@code exists}, {@code getClientInfo} and WebSocket {@code push} take it: a local one takes the local path, a
 * remote one goes through Redis to the node that holds it.
 *
 * @param node the node id: 1-32 letters, digits, '-' or '_'
 * @param fd   the connection's fd on that node (positive)
 */
public record GlobalFd(String node, int fd) {
    private static final Pattern NODE = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    public GlobalFd {
        Objects.requireNonNull(node, "node");
        if (!validNode(node)) {
            throw new IllegalArgumentException("a node id is 1-32 letters, digits, '-' or '_', got '" + node + "'");
        }
        if (fd <= 0) {
            throw new IllegalArgumentException("an fd is positive, got " + fd);
        }
    }

    /** Whether {@code id} is a well-formed node id ({@code cluster_node_id}). */
    public static boolean validNode(String id) {
        return id != null && NODE.matcher(id).matches();
    }

    /**
     * The inverse of {@link #toString()}: {@code node#fd}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static GlobalFd parse(String text) {
        int hash = text.lastIndexOf('#');
        if (hash < 1) {
            throw new IllegalArgumentException("a global fd is node#fd (such as a#17), got '" + text + "'");
        }
        int fd;
        try {
            fd = Integer.parseInt(text.substring(hash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a global fd is node#fd (such as a#17), got '" + text + "'");
        }
        return new GlobalFd(text.substring(0, hash), fd);
    }

    @Override
    public String toString() {
        return node + "#" + fd;
    }
}
