package io.jswoole.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes {@link Reply replies} in RESP2 or RESP3 (redis-specifications protocol/RESP3.md). */
final class Resp {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] NIL2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);

    private Resp() {
    }

    /** Writes {@code r} to {@code out} as protocol {@code version} (2 or 3) writes it. */
    static void write(Reply r, int version, ByteBuf out) {
        boolean v3 = version >= 3;
        switch (r) {
            case Reply.Status s -> line(out, '+', s.text());
            case Reply.Error e -> line(out, '-', e.text());
            case Reply.Int i -> number(out, ':', i.value());
            case Reply.Bulk b -> bulk(out, b.bytes());
            case Reply.Nil n -> out.writeBytes(v3 ? NIL3 : NIL2);
            case Reply.Array a -> items(out, '*', a.items(), version);
            case Reply.SetReply s -> items(out, v3 ? '~' : '*', s.items(), version);
            case Reply.Push p -> items(out, v3 ? '>' : '*', p.items(), version);
            case Reply.MapReply m -> {
                number(out, v3 ? '%' : '*', v3 ? m.entries().size() : 2L * m.entries().size());
                m.entries().forEach((k, v) -> {
                    write(k, version, out);
                    write(v, version, out);
                });
            }
            case Reply.Bool b -> {
                if (v3) {
                    line(out, '#', b.value() ? "t" : "f");
                } else {
                    number(out, ':', b.value() ? 1 : 0);
                }
            }
            case Reply.Double d -> {
                String text = doubleText(d.value());
                if (v3) {
                    line(out, ',', text);
                } else {
                    bulk(out, text.getBytes(StandardCharsets.US_ASCII));
                }
            }
            case Reply.BigNumber b -> {
                if (v3) {
                    line(out, '(', b.value().toString());
                } else {
                    bulk(out, b.value().toString().getBytes(StandardCharsets.US_ASCII));
                }
            }
            case Reply.Verbatim v -> {
                if (v3) {
                    byte[] text = (v.format() + ":" + v.text()).getBytes(StandardCharsets.UTF_8);
                    number(out, '=', text.length);
                    out.writeBytes(text).writeBytes(CRLF);
                } else {
                    bulk(out, v.text().getBytes(StandardCharsets.UTF_8));
                }
            }
            case Reply.Attribute a -> {
                if (v3) {
                    number(out, '|', a.attributes().size());
                    a.attributes().forEach((k, x) -> {
                        write(k, version, out);
                        write(x, version, out);
                    });
                }
                write(a.reply(), version, out);
            }
            case Reply.Raw raw -> out.writeBytes(raw.bytes());
        }
    }

    /**
     * Redis's text of a double: {@code inf}, {@code -inf}, {@code nan}, {@code -0} for negative zero (as Redis's
     * {@code %.17g} writes it), else the shortest exact decimal.
     */
    static String doubleText(double d) {
        if (java.lang.Double.isNaN(d)) {
            return "nan";
        }
        if (java.lang.Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e17) {
            return Long.toString((long) d);
        }
        return java.lang.Double.toString(d).replace("E", "e");
    }

    private static void items(ByteBuf out, char type, List<Reply> items, int version) {
        number(out, type, items.size());
        for (Reply item : items) {
            write(item, version, out);
        }
    }

    private static void line(ByteBuf out, char type, String text) {
        out.writeByte(type);
        ByteBufUtil.writeUtf8(out, text);
        out.writeBytes(CRLF);
    }

    private static void number(ByteBuf out, char type, long n) {
        out.writeByte(type);
        ByteBufUtil.writeAscii(out, Long.toString(n));
        out.writeBytes(CRLF);
    }

    private static void bulk(ByteBuf out, byte[] bytes) {
        number(out, '$', bytes.length);
        out.writeBytes(bytes).writeBytes(CRLF);
    }
}
