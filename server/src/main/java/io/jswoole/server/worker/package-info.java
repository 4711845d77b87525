/**
 * Internal: workers (Swoole's {@code worker.cc}): a {@link io.jswoole.server.worker.Worker} is where events are
 * dispatched (a scheduler of this JVM, or a worker JVM through its {@code Remote});
 * {@link io.jswoole.server.worker.EventRunner} runs one event's callback, {@link io.jswoole.server.worker.EventGate} keeps a connection's events in order, and
 * {@link io.jswoole.server.worker.EventHandlers} is the one way the engine calls the application's other callbacks.
 */
package io.jswoole.server.worker;
