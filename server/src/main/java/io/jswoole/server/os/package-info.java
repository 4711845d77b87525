/**
 * Internal: what the engine asks of the operating system. Signals (SIGTERM, SIGUSR1, SIGUSR2), daemonizing,
 * dropping privileges ({@code user}, {@code group}, {@code chroot}), systemd's notify socket, the owner-only admin
 * socket beside {@code pid_file}, and a worker JVM's heap read from its hsperfdata file. A leaf: it names the API and
 * nothing else of the engine, so the engine's structure can change under it.
 */
package io.jswoole.server.os;
