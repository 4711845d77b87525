package io.jswoole.cluster;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}), sent whole ({@code EVAL}) only when Redis does not know it yet
 * (first call, or after a restart flushed the script cache): the hot paths of {@link ClusterTable} and
 * {@link ClusterTasks} then cost one small command each.
 */
final class Scripts {
    private final String source;
    private final String sha;

    Scripts(String source) {
        this.source = source;
        try {
            sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    <T> T run(RedisCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        try {
            return redis.evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException e) {
            return redis.eval(source, type, keys, args);
        }
    }
}
