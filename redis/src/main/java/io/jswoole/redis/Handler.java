package io.jswoole.redis;

/**
 * A command's handler ({@code setHandler}): runs in a worker (a coroutine of it, with coroutines on) and returns
 * the reply: a {@link Reply}, or a string or {@code byte[]} already in RESP (what {@link RedisServer#format}
 * returns, as a Swoole handler returns it), or null when the handler answers through {@code send(fd, ...)}
 * itself (such a send leaves at once, not in request order) or not at all.
 */
@FunctionalInterface
public interface Handler {
    Object handle(int fd, Args args);
}
