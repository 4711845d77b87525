/**
 * {@code Swoole\Event}: JDK selectable channels (sockets, server sockets, datagram channels, pipes, a
 * {@code Process} pipe) added to the event loop of the calling worker, whose readiness callbacks run as that
 * worker's coroutines. {@link io.jswoole.event.Event} is the API; each {@link io.jswoole.coroutine.Scheduler} that
 * has channels added gets one {@code Loop}: a JDK {@link java.nio.channels.Selector} on a thread of its own that
 * hands readiness to the scheduler's carrier, so BASE (a Netty event loop), THREAD (a one-thread pool) and a
 * PROCESS worker JVM (its link thread) work alike.
 */
package io.jswoole.event;
