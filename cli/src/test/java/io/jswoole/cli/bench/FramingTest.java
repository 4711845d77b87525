package io.jswoole.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Where each unit says a reply ends, fed every prefix of the bytes: 0 until the last byte, then the length. */
class FramingTest {
    private static UnitConfig config(int payload, Map<String, Object> settings) {
        return new UnitConfig(Target.parse("tcp://127.0.0.1:9501"), payload, settings, "/", "GET", List.of(),
                "PING", 0);
    }

    /** Every prefix is incomplete, the whole is one reply, and a second reply glued behind it is not counted. */
    private static void endsExactly(Unit unit, String wire) {
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i++) {
            ByteBuf part = Unpooled.wrappedBuffer(bytes, 0, i);
            assertThat(unit.replyLength(part)).as("after %d of %d bytes", i, bytes.length).isZero();
        }
        ByteBuf twice = Unpooled.wrappedBuffer(bytes, bytes);
        assertThat(unit.replyLength(twice)).isEqualTo(bytes.length);
    }

    @Test
    void httpByContentLengthAndChunked() {
        Unit http = new HttpUnit(config(0, Map.of()));
        endsExactly(http, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        endsExactly(http, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;x=y\r\nabc\r\n0\r\n"
                + "Trailer: t\r\n\r\n");
        endsExactly(http, "HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n");
        assertThat(http.replyLength(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody",
                StandardCharsets.US_ASCII))).as("read until close cannot be pipelined").isNegative();
        ByteBuf notFound = Unpooled.copiedBuffer("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
                StandardCharsets.US_ASCII);
        assertThat(http.check(notFound, 0, false)).isEqualTo("status 404");
    }

    @Test
    void respOfEveryType() {
        Unit redis = new RedisUnit(config(0, Map.of()));
        endsExactly(redis, "+PONG\r\n");
        endsExactly(redis, "$5\r\nhello\r\n");
        endsExactly(redis, "$-1\r\n");
        endsExactly(redis, "*3\r\n:1\r\n$3\r\nabc\r\n*2\r\n_\r\n%1\r\n+k\r\n,1.5\r\n");
        endsExactly(redis, "-ERR unknown command\r\n");
        assertThat(redis.replyLength(Unpooled.copiedBuffer("$3\r\nabcd\r\n", StandardCharsets.US_ASCII)))
                .as("a bulk string without its CRLF").isNegative();
        assertThat(redis.check(Unpooled.copiedBuffer("-WRONGTYPE Operation\r\n", StandardCharsets.US_ASCII), 0,
                false)).isEqualTo("redis error WRONGTYPE");
    }

    @Test
    void webSocketFramesOfEachLengthForm() {
        Unit ws = new WebSocketUnit(config(0, Map.of()));
        endsExactly(ws, "\u0081\u0003abc");
        endsExactly(ws, "\u0082\u007e\u0001\u0000" + "x".repeat(256));
        endsExactly(ws, "\u0082\u007f\u0000\u0000\u0000\u0000\u0000\u0001\u0000\u0000" + "y".repeat(65536));
        ByteBuf close = Unpooled.wrappedBuffer(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xe9});
        assertThat(ws.check(close, 0, false)).isEqualTo("websocket close 1001");
        assertThat(ws.closesAfter(close)).isTrue();
        assertThat(ws.isReply(Unpooled.wrappedBuffer(new byte[] {(byte) 0x89, 0}))).as("a ping").isFalse();
        assertThat(ws.replyLength(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, (byte) 0x81, 1, 2, 3, 4, 5})))
                .as("a masked server frame").isNegative();
    }

    @Test
    void lengthFramingWritesWhatItReads() {
        Unit length = new FramedUnit(config(40, Map.of("package_length_type", "v", "package_length_offset", 3,
                "package_body_offset", 8)), false);
        ByteBuf request = Unpooled.buffer();
        length.writeRequest(request, 7);
        assertThat(request.readableBytes()).isEqualTo(40);
        assertThat(request.getUnsignedShortLE(3)).as("the body after the 8-byte header").isEqualTo(32);
        byte[] bytes = new byte[40];
        request.getBytes(0, bytes);
        endsExactly(length, new String(bytes, StandardCharsets.ISO_8859_1));
        assertThat(length.check(request, 7, true)).isNull();
        assertThat(length.check(request, 8, true)).isEqualTo(Unit.CONTENT_MISMATCH);
    }

    @Test
    void eofFramingFindsTheDelimiterAcrossReads() {
        Unit eof = new FramedUnit(config(10, Map.of("package_eof", "\r\n")), true);
        endsExactly(eof, "abcdefgh\r\n");
        assertThat(eof.replyLength(Unpooled.copiedBuffer("abc\rdef\r\n", StandardCharsets.US_ASCII))).isEqualTo(9);
    }
}
