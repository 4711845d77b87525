package io.jswoole.redis;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Redis reply, typed: what a {@link RedisServer} handler returns. It is written in the connection's protocol,
 * RESP2 or RESP3 (chosen by the client with {@code HELLO}); on a RESP2 connection the RESP3 types are written as
 * Redis writes them there (null as {@code $-1}, a boolean as an integer, a double or big number as a bulk string,
 * a map as a flat array, a set as an array, a push as an array; attributes are left out).
 */
public sealed interface Reply {
    /** {@code +OK}. */
    Reply OK = new Status("OK");
    /** The null reply ({@code $-1} in RESP2, {@code _} in RESP3). */
    Reply NIL = new Nil();

    /** A simple string, {@code +text}; no CR or LF. */
    record Status(String text) implements Reply {
        public Status {
            checkLine(text);
        }
    }

    /** An error, {@code -CODE message} ({@code ERR} when the text has no code); no CR or LF. */
    record Error(String text) implements Reply {
        public Error {
            checkLine(text);
        }
    }

    /** An integer, {@code :n}. */
    record Int(long value) implements Reply {
    }

    /** A bulk string, binary safe. */
    record Bulk(byte[] bytes) implements Reply {
        public Bulk {
            Objects.requireNonNull(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bulk b && java.util.Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Bulk[" + new String(bytes, StandardCharsets.UTF_8) + "]";
        }
    }

    /** The null reply. */
    record Nil() implements Reply {
    }

    /** An array of replies. */
    record Array(List<Reply> items) implements Reply {
        public Array {
            items = List.copyOf(items);
        }
    }

    /** A map (RESP3 {@code %}; a flat array of key, value, key, value... in RESP2, as Swoole writes MAP). */
    record MapReply(Map<Reply, Reply> entries) implements Reply {
        public MapReply {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }
    }

    /** A set (RESP3 {@code ~}; an array in RESP2). */
    record SetReply(List<Reply> items) implements Reply {
        public SetReply {
            items = List.copyOf(items);
        }
    }

    /** A boolean (RESP3 {@code #t}/{@code #f}; {@code :1}/{@code :0} in RESP2). */
    record Bool(boolean value) implements Reply {
    }

    /** A double (RESP3 {@code ,}; a bulk string in RESP2). */
    record Double(double value) implements Reply {
    }

    /** A big number (RESP3 {@code (}; a bulk string in RESP2). */
    record BigNumber(BigInteger value) implements Reply {
        public BigNumber {
            Objects.requireNonNull(value);
        }
    }

    /** A verbatim string with its three-letter format, {@code txt} or {@code mkd} (a bulk string in RESP2). */
    record Verbatim(String format, String text) implements Reply {
        public Verbatim {
            if (format.length() != 3) {
                throw new IllegalArgumentException("a verbatim string's format has three characters: " + format);
            }
            Objects.requireNonNull(text);
        }
    }

    /** An out-of-band push (RESP3 {@code >}; an array in RESP2). */
    record Push(List<Reply> items) implements Reply {
        public Push {
            items = List.copyOf(items);
        }
    }

    /**
     * A reply with attributes: RESP3's {@code |} map of metadata about the reply (redis.io's example: a key's
     * popularity), written before it; on a RESP2 connection only the reply is written, as Redis does.
     */
    record Attribute(Map<Reply, Reply> attributes, Reply reply) implements Reply {
        public Attribute {
            attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
            Objects.requireNonNull(reply);
        }
    }

    /** Bytes already in RESP, written as they are (what Swoole's {@code format} returns). */
    record Raw(byte[] bytes) implements Reply {
        public Raw {
            Objects.requireNonNull(bytes);
        }
    }

    static Reply status(String text) {
        return new Status(text);
    }

    /** An error; {@code ERR } is put in front when the text does not start with an upper-case code. */
    static Reply error(String text) {
        int sp = text.indexOf(' ');
        String code = sp < 0 ? text : text.substring(0, sp);
        boolean hasCode = !code.isEmpty() && code.chars().allMatch(c -> c >= 'A' && c <= 'Z');
        return new Error(hasCode ? text : "ERR " + text);
    }

    static Reply integer(long value) {
        return new Int(value);
    }

    static Reply bulk(String text) {
        return new Bulk(text.getBytes(StandardCharsets.UTF_8));
    }

    static Reply bulk(byte[] bytes) {
        return new Bulk(bytes);
    }

    static Reply array(Reply... items) {
        return new Array(List.of(items));
    }

    static Reply array(List<Reply> items) {
        return new Array(items);
    }

    /**
     * A Java value as a reply, the way Swoole's {@code format(SET, ...)} reads a PHP value: null is NIL, an integer
     * or boolean an integer (RESP3: a boolean stays one), a double a double, a {@code byte[]} or string a bulk
     * string, a list an array, a map a map (keys as bulk strings), a reply itself.
     */
    static Reply of(Object value) {
        return switch (value) {
            case null -> NIL;
            case Reply r -> r;
            case Boolean b -> new Bool(b);
            case Integer i -> new Int(i);
            case Long l -> new Int(l);
            case Short s -> new Int(s);
            case Byte b -> new Int(b);
            case BigInteger b -> new BigNumber(b);
            case Number n -> new Double(n.doubleValue());
            case byte[] b -> new Bulk(b);
            case CharSequence s -> bulk(s.toString());
            case Map<?, ?> m -> {
                Map<Reply, Reply> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(k instanceof Reply r ? r : bulk(String.valueOf(k)), of(v)));
                yield new MapReply(out);
            }
            case java.util.Set<?> s -> new SetReply(s.stream().map(Reply::of).toList());
            case Iterable<?> it -> {
                List<Reply> out = new ArrayList<>();
                it.forEach(v -> out.add(of(v)));
                yield new Array(out);
            }
            case Object[] a -> new Array(java.util.Arrays.stream(a).map(Reply::of).toList());
            default -> throw new IllegalArgumentException("no Redis reply for a " + value.getClass().getName());
        };
    }

    private static void checkLine(String text) {
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a status or error reply cannot hold CR or LF: " + text);
        }
    }
}
