/**
 * {@code ./jswoole bench}: the stress tool. {@link io.jswoole.cli.bench.Bench} is the command,
 * {@link io.jswoole.cli.bench.Unit} the extension point (a protocol of one's own, named with {@code -f CLASS}).
 * <p>Threads: the clients run on {@code -t} Netty event loops, each client on one loop, each loop with its own
 * counters; the main thread only starts, ticks, stops and collects (see {@code Runner}).
 */
package io.jswoole.cli.bench;
