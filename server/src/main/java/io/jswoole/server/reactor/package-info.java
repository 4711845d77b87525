/**
 * Internal: the reactor side (Swoole's {@code reactor_thread.cc} and {@code port.cc}): event loops and transports,
 * accepted connections and their table, stream and datagram handlers, the idle scanner, and
 * {@link io.jswoole.server.reactor.Intake}, which turns what the reactors see into worker events in the table's order.
 * {@link io.jswoole.server.reactor.LocalConnections} is the connection operations over the table. It never names
 * the PROCESS package: a worker JVM is a {@code worker.Worker.Remote} here.
 */
package io.jswoole.server.reactor;
