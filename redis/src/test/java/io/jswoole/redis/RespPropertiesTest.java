package io.jswoole.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.spi.FrameInput;
import io.jswoole.server.spi.FrameOutput;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any reply {@link Resp} writes reads back as itself in RESP3, and in RESP2 as Redis writes the RESP3 types there
 * (null as {@code $-1}, a boolean as an integer, a double, big number or verbatim string as a bulk string, a map
 * as a flat array, a set or push as an array), read by {@link RespReader}, a reader written from the RESP3
 * specification.
 */
class RespPropertiesTest {
    private static final String SEED = "20261203";

    @Provide
    Arbitrary<Reply> replies() {
        return reply(3, false);
    }

    /** With {@link Reply.Raw} bytes among them, which only a writer passes on. */
    @Provide
    Arbitrary<Reply> repliesAndRaw() {
        return reply(3, true);
    }

    /** Replies nested up to {@code depth} levels. */
    private static Arbitrary<Reply> reply(int depth, boolean raw) {
        Arbitrary<String> lines = Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\ud7ff')
                .ofMaxLength(30);
        Arbitrary<Reply> scalars = Arbitraries.oneOf(
                lines.map(Reply.Status::new),
                lines.map(t -> new Reply.Error("ERR " + t)),
                Arbitraries.longs().map(Reply.Int::new),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(Reply.Bulk::new),
                Arbitraries.just(Reply.NIL),
                Arbitraries.of(true, false).map(Reply.Bool::new),
                Arbitraries.doubles().map(Reply.Double::new),
                Arbitraries.of(0.0, -0.0, 1.5, -2.0, 1e17, 1e-300, Double.MIN_VALUE, Double.MAX_VALUE,
                        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN).map(Reply.Double::new),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40))
                        .map(Reply.BigNumber::new),
                Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(30)
                        .map(t -> new Reply.Verbatim("txt", t)));
        if (raw) {
            scalars = Arbitraries.oneOf(scalars, Arbitraries.bytes().array(byte[].class).ofMaxSize(20)
                    .map(Reply.Raw::new));
        }
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<List<Reply>> items = Arbitraries.lazy(() -> reply(depth - 1, raw)).list().ofMaxSize(4);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, scalars),
                net.jqwik.api.Tuple.of(1, items.map(Reply.Array::new)),
                net.jqwik.api.Tuple.of(1, items.map(Reply.SetReply::new)),
                net.jqwik.api.Tuple.of(1, items.map(Reply.Push::new)),
                net.jqwik.api.Tuple.of(1, maps(depth, raw).map(Reply.MapReply::new)),
                net.jqwik.api.Tuple.of(1, net.jqwik.api.Combinators.combine(maps(depth, raw),
                        Arbitraries.lazy(() -> reply(depth - 1, raw))).as(Reply.Attribute::new)));
    }

    private static Arbitrary<Map<Reply, Reply>> maps(int depth, boolean raw) {
        return Arbitraries.maps(reply(0, false), Arbitraries.lazy(() -> reply(depth - 1, raw))).ofMaxSize(3);
    }

    private static byte[] write(Reply r, int version) {
        ByteBuf out = Unpooled.buffer();
        try {
            Resp.write(r, version, out);
            byte[] b = new byte[out.readableBytes()];
            out.readBytes(b);
            return b;
        } finally {
            out.release();
        }
    }

    @Property(seed = SEED)
    void resp3ReadsBackAsWritten(@ForAll("replies") Reply r) {
        RespReader in = new RespReader(write(r, 3));
        assertThat(in.read()).isEqualTo(r);
        assertThat(in.atEnd()).isTrue();
    }

    @Property(seed = SEED)
    void resp2ReadsBackDownConverted(@ForAll("replies") Reply r) {
        RespReader in = new RespReader(write(r, 2));
        assertThat(in.read()).isEqualTo(resp2(r));
        assertThat(in.atEnd()).isTrue();
    }

    /** PROCESS mode: a worker JVM's reply crosses to the master, which writes it; the same bytes as written here. */
    @Property(seed = SEED)
    void aReplyCrossesFromAWorkerJvmIntact(@ForAll("repliesAndRaw") Reply r) throws java.io.IOException {
        FrameOutput out = new FrameOutput(64);
        RedisProtocol.write(r, out);
        FrameInput in = new FrameInput(out.toBuffer());
        Reply crossed = RedisProtocol.read(in);
        assertThat(in.remaining()).isZero();
        assertThat(write(crossed, 3)).isEqualTo(write(r, 3));
        assertThat(write(crossed, 2)).isEqualTo(write(r, 2));
    }

    @Example
    void negativeZeroKeepsItsSign() { // found by resp3ReadsBackAsWritten: it was written as 0
        assertThat(new String(write(new Reply.Double(-0.0), 3), StandardCharsets.US_ASCII)).isEqualTo(",-0\r\n");
        assertThat(new String(write(new Reply.Double(-0.0), 2), StandardCharsets.US_ASCII)).isEqualTo("$2\r\n-0\r\n");
        assertThat(new String(write(new Reply.Double(0.0), 3), StandardCharsets.US_ASCII)).isEqualTo(",0\r\n");
    }

    /** What a RESP2 client reads for {@code r}: Redis's RESP2 form of each RESP3 type. */
    private static Reply resp2(Reply r) {
        return switch (r) {
            case Reply.Bool b -> new Reply.Int(b.value() ? 1 : 0);
            case Reply.Double d -> Reply.bulk(Resp.doubleText(d.value()));
            case Reply.BigNumber b -> Reply.bulk(b.value().toString());
            case Reply.Verbatim v -> Reply.bulk(v.text());
            case Reply.Array a -> new Reply.Array(a.items().stream().map(RespPropertiesTest::resp2).toList());
            case Reply.SetReply s -> new Reply.Array(s.items().stream().map(RespPropertiesTest::resp2).toList());
            case Reply.Push p -> new Reply.Array(p.items().stream().map(RespPropertiesTest::resp2).toList());
            case Reply.MapReply m -> {
                List<Reply> flat = new ArrayList<>();
                m.entries().forEach((k, v) -> {
                    flat.add(resp2(k));
                    flat.add(resp2(v));
                });
                yield new Reply.Array(flat);
            }
            case Reply.Attribute a -> resp2(a.reply());
            default -> r;
        };
    }

    /** A RESP2/RESP3 reader (redis-specifications protocol/RESP3.md), for what a client would read. */
    static final class RespReader {
        private final byte[] in;
        private int pos;

        RespReader(byte[] in) {
            this.in = in;
        }

        boolean atEnd() {
            return pos == in.length;
        }

        Reply read() {
            byte type = in[pos++];
            String line = line();
            return switch (type) {
                case '+' -> new Reply.Status(line);
                case '-' -> new Reply.Error(line);
                case ':' -> new Reply.Int(Long.parseLong(line));
                case '$' -> line.equals("-1") ? Reply.NIL : new Reply.Bulk(blob(Integer.parseInt(line)));
                case '_' -> Reply.NIL;
                case '#' -> new Reply.Bool(switch (line) {
                    case "t" -> true;
                    case "f" -> false;
                    default -> throw new IllegalStateException("boolean " + line);
                });
                case ',' -> new Reply.Double(switch (line) {
                    case "inf" -> Double.POSITIVE_INFINITY;
                    case "-inf" -> Double.NEGATIVE_INFINITY;
                    case "nan" -> Double.NaN;
                    default -> Double.parseDouble(line);
                });
                case '(' -> new Reply.BigNumber(new BigInteger(line));
                case '=' -> {
                    String text = new String(blob(Integer.parseInt(line)), StandardCharsets.UTF_8);
                    assertThat(text.charAt(3)).as("verbatim format separator").isEqualTo(':');
                    yield new Reply.Verbatim(text.substring(0, 3), text.substring(4));
                }
                case '*' -> new Reply.Array(items(Integer.parseInt(line)));
                case '~' -> new Reply.SetReply(items(Integer.parseInt(line)));
                case '>' -> new Reply.Push(items(Integer.parseInt(line)));
                case '%' -> new Reply.MapReply(entries(Integer.parseInt(line)));
                case '|' -> new Reply.Attribute(entries(Integer.parseInt(line)), read());
                default -> throw new IllegalStateException("type byte '" + (char) type + "' at " + (pos - 1));
            };
        }

        private Map<Reply, Reply> entries(int n) {
            Map<Reply, Reply> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                m.put(read(), read());
            }
            return m;
        }

        private List<Reply> items(int n) {
            List<Reply> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                items.add(read());
            }
            return items;
        }

        /** The rest of the line, which must end in CRLF (and hold neither CR nor LF). */
        private String line() {
            int start = pos;
            while (in[pos] != '\r') {
                assertThat(in[pos]).as("LF inside a line").isNotEqualTo((byte) '\n');
                pos++;
            }
            assertThat(in[pos + 1]).as("LF after CR").isEqualTo((byte) '\n');
            String line = new String(in, start, pos - start, StandardCharsets.UTF_8);
            pos += 2;
            return line;
        }

        private byte[] blob(int length) {
            byte[] b = java.util.Arrays.copyOfRange(in, pos, pos + length);
            pos += length;
            assertThat(new byte[] {in[pos], in[pos + 1]}).as("CRLF after a blob").isEqualTo("\r\n".getBytes());
            pos += 2;
            return b;
        }
    }
}
