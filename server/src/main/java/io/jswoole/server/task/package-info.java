/**
 * Internal: task workers (Swoole's {@code task_worker.cc}): the task workers of this JVM
 * ({@link io.jswoole.server.task.Tasks}), where a task goes ({@link io.jswoole.server.task.TaskRouting}:
 * task_ipc_mode 1 and 3, shared with the PROCESS master) and the task operations of the facade
 * ({@link io.jswoole.server.task.TaskOps}).
 */
package io.jswoole.server.task;
