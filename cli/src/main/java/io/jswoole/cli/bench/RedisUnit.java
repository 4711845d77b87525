package io.jswoole.cli.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.netty.buffer.ByteBuf;

/**
 * {@code redis}: any command ({@code --command 'SET key:__rand_int__ __data__'}, PING by default) as a RESP
 * multibulk, pipelined with {@code -P}, against any server of the Redis protocol (jswoole's {@code RedisServer},
 * redis-server). {@code __rand_int__} becomes a 12-digit random number below {@code -r}, {@code __data__}
 * {@code -l} bytes. Replies are parsed as RESP2 and RESP3 (nested aggregates included). An error reply is always
 * an error, counted as {@code redis error PREFIX} ({@code ERR}, {@code WRONGTYPE}...); with {@code --verify} the
 * reply must also have the type the command answers with (PING {@code +PONG}, SET {@code +OK}, GET a bulk string
 * or nil, INCR, DEL, LPUSH... an integer, MGET, LRANGE... an array, ECHO its argument back).
 */
final class RedisUnit implements Unit {
    private static final Set<String> INTEGER = Set.of("INCR", "DECR", "INCRBY", "DECRBY", "DEL", "EXISTS", "LPUSH",
            "RPUSH", "SADD", "HSET", "ZADD", "LLEN", "SCARD", "EXPIRE", "TTL", "PTTL", "APPEND", "STRLEN", "PUBLISH");
    private static final Set<String> ARRAY = Set.of("MGET", "LRANGE", "SMEMBERS", "KEYS", "HGETALL", "ZRANGE");
    private static final byte[] DATA = "__data__".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RAND = "__rand_int__".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final int DIGITS = 12;
    private final List<byte[]> words;
    private final String name;
    private final byte[] data;
    private final long keyspace;
    /** The request's fixed parts; a random number goes between each two (see {@link #template}). */
    private final byte[][] request;

    RedisUnit(UnitConfig config) {
        this.words = split(config.command());
        if (words.isEmpty()) {
            throw new IllegalArgumentException("--command needs a Redis command, e.g. --command 'GET key'");
        }
        this.name = new String(words.getFirst(), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
        this.data = new byte[Math.max(0, config.payloadSize())];
        java.util.Arrays.fill(data, (byte) 'x');
        this.keyspace = config.keyspace();
        this.request = template(words, data);
    }

    /** Words split on spaces; single or double quotes keep spaces inside a word. */
    static List<byte[]> split(String command) {
        List<byte[]> out = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (c == ' ') {
                if (word != null) {
                    out.add(word.toString().getBytes(StandardCharsets.UTF_8));
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("--command has an unbalanced quote: " + command);
        }
        if (word != null) {
            out.add(word.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * The request made once, as far as it is fixed: each word's bulk string, {@code __data__} included; a word
     * holding {@code __rand_int__} is kept as the pieces around each occurrence, and only its 12 digits are
     * written per request (no String or formatting per request: the generator must not be the bottleneck).
     */
    private static byte[][] template(List<byte[]> words, byte[] data) {
        List<byte[]> parts = new ArrayList<>();
        java.io.ByteArrayOutputStream fixed = new java.io.ByteArrayOutputStream();
        fixed.writeBytes(("*" + words.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] w : words) {
            byte[] value = java.util.Arrays.equals(w, DATA) ? data : w;
            List<byte[]> pieces = pieces(value);
            int length = value.length + (pieces.size() - 1) * (DIGITS - RAND.length);
            fixed.writeBytes(("$" + length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < pieces.size(); i++) {
                fixed.writeBytes(pieces.get(i));
                if (i < pieces.size() - 1) {
                    parts.add(fixed.toByteArray()); // a random number goes after this part
                    fixed.reset();
                }
            }
            fixed.writeBytes(CRLF);
        }
        parts.add(fixed.toByteArray());
        return parts.toArray(byte[][]::new);
    }

    /** {@code value} cut at each {@code __rand_int__} (one piece when there is none). */
    private static List<byte[]> pieces(byte[] value) {
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i + RAND.length <= value.length; i++) {
            if (java.util.Arrays.equals(value, i, i + RAND.length, RAND, 0, RAND.length)) {
                out.add(java.util.Arrays.copyOfRange(value, from, i));
                from = i + RAND.length;
                i = from - 1;
            }
        }
        out.add(java.util.Arrays.copyOfRange(value, from, value.length));
        return out;
    }

    @Override
    public void writeRequest(ByteBuf out, long seq) {
        out.writeBytes(request[0]);
        for (int i = 1; i < request.length; i++) {
            long r = keyspace > 0 ? ThreadLocalRandom.current().nextLong(keyspace) : 0;
            int at = out.writerIndex();
            out.writeZero(DIGITS);
            for (int d = DIGITS - 1; d >= 0; d--, r /= 10) { // zero-padded, as redis-benchmark writes it
                out.setByte(at + d, (int) ('0' + r % 10));
            }
            out.writeBytes(request[i]);
        }
    }

    @Override
    public int replyLength(ByteBuf in) {
        int end = Resp.end(in, in.readerIndex(), 0);
        return end <= 0 ? end : end - in.readerIndex();
    }

    @Override
    public String check(ByteBuf reply, long seq, boolean verify) {
        byte type = reply.getByte(reply.readerIndex());
        if (type == '-' || type == '!') {
            String text = reply.toString(StandardCharsets.UTF_8).substring(1).trim();
            int sp = text.indexOf(' ');
            return "redis error " + (sp < 0 ? text : text.substring(0, sp));
        }
        if (!verify) {
            return null;
        }
        String got = reply.toString(StandardCharsets.UTF_8);
        boolean ok = switch (name) {
            case "PING" -> words.size() == 1 ? got.equals("+PONG\r\n") : type == '$';
            case "SET", "MSET" -> got.equals("+OK\r\n");
            case "GET" -> type == '$' || type == '_';
            case "ECHO" -> words.size() == 2 && got.equals(bulk(words.get(1)));
            default -> INTEGER.contains(name) ? type == ':' : !ARRAY.contains(name) || type == '*';
        };
        return ok ? null : CONTENT_MISMATCH;
    }

    private String bulk(byte[] w) {
        byte[] value = java.util.Arrays.equals(w, DATA) ? data : w;
        return "$" + value.length + "\r\n" + new String(value, StandardCharsets.UTF_8) + "\r\n";
    }
}
