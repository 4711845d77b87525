/**
 * Internal: which worker gets an event ({@link io.jswoole.server.dispatch.Dispatcher}), for every event kind, dispatch
 * mode and server mode; the one place that decides it (Swoole's {@code dispatch_mode} and {@code dispatch_func}).
 */
package io.jswoole.server.dispatch;
