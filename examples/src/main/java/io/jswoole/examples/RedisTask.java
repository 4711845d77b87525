package io.jswoole.examples;

import io.jswoole.redis.RedisServer;
import java.util.List;
import java.util.Map;

/**
 * {@code redis-task}: the seeds' example "task workers from php-fpm/apache". Any program with a Redis client hands
 * a job to jswoole's task workers with {@code LPUSH queue job...}; the answer is the task id, and the task worker
 * runs the job ({@code onTask}) while the client goes on. Try {@code redis-cli -p 9508 lpush queue hello}.
 */
public final class RedisTask {
    private RedisTask() {
    }

    public static RedisServer create(ExampleOptions o) {
        RedisServer s = new RedisServer(o.host(), o.port(), o.mode());
        Map<String, Object> settings = new java.util.LinkedHashMap<>(Map.of("task_worker_num", 2));
        settings.putAll(o.settings());
        s.set(settings);
        s.setHandler("LPUSH", (fd, args) -> {
            int id = s.task(List.copyOf(args));
            return id < 0 ? RedisServer.format(RedisServer.ERROR, null) : RedisServer.format(RedisServer.INT, id);
        });
        s.onTask((srv, taskId, srcWorker, data) -> {
            System.out.println("task #" + taskId + " from worker " + srcWorker + ": " + data);
            return "done";
        });
        s.onFinish((srv, taskId, result) -> System.out.println("task #" + taskId + " finished: " + result));
        return s;
    }
}
