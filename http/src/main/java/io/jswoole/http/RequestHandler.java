package io.jswoole.http;

/** The {@code request} event: runs in a worker, as a coroutine, for each complete HTTP request. */
@FunctionalInterface
public interface RequestHandler {
    void handle(Request request, Response response);
}
