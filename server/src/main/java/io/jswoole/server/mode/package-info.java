/**
 * Internal: where the modes differ, and nothing else. {@link io.jswoole.server.mode.ModeRuntime} is what a server is in
 * this JVM, chosen once at {@code start()}: {@link io.jswoole.server.mode.OneJvm} for a JVM that owns the sockets
 * (BASE, THREAD, the PROCESS master), {@code process.ProcessWorker} for a worker JVM. The facade's connection, task
 * and worker methods are one-line delegations to its {@link io.jswoole.server.mode.ConnectionOps},
 * {@code task.TaskOps} and {@link io.jswoole.server.mode.WorkerOps}. {@link io.jswoole.server.mode.Ops} is what an
 * operator sees (readiness, the probe, systemd). {@link io.jswoole.server.mode.ServerAccess} is the engine's one way
 * into the state the API objects keep for it.
 */
package io.jswoole.server.mode;
