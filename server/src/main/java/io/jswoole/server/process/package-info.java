/**
 * Internal: PROCESS mode only (Swoole's {@code manager.cc} and {@code process.cc}): the master's manager, which starts,
 * supervises, recycles and reloads the worker JVMs ({@link io.jswoole.server.process.ProcessManager},
 * {@link io.jswoole.server.process.WorkerCommand}) and carries out their commands
 * ({@link io.jswoole.server.process.MasterCommands}); the worker JVM's side
 * ({@link io.jswoole.server.process.ProcessWorker}, {@link io.jswoole.server.process.WorkerJvmConnections}); the IPC
 * between them ({@link io.jswoole.server.process.Ipc}, {@link io.jswoole.server.process.MasterLink},
 * {@link io.jswoole.server.process.Values}). Nothing outside {@code mode} names this package.
 */
package io.jswoole.server.process;
