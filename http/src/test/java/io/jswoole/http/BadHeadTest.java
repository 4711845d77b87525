package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RequestDecoder#badHead}: the forms of a head that Netty tolerates and RFC 9112 rejects. */
class BadHeadTest {
    private static String check(String head, boolean midHead) {
        ByteBuf b = Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1);
        try {
            return RequestDecoder.badHead(b, midHead);
        } finally {
            b.release();
        }
    }

    @Test
    void findsObsFoldAndControlCharactersOnly() {
        assertThat(check("GET / HTTP/1.1\r\nHost: a\r\n\r\n", false)).isNull();
        assertThat(check("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", false)).isNull();
        assertThat(check("GET / HTTP/1.1\r\nHost: a\r\n  folded\r\n\r\n", false)).startsWith("obs-fold");
        assertThat(check("GET / HTTP/1.1\r\nHost: a\r\n\tfolded\r\n\r\n", false)).startsWith("obs-fold");
        assertThat(check("\u0001GET / HTTP/1.1\r\n\r\n", false)).startsWith("a control character");
        assertThat(check("\r\n\u007fGET / HTTP/1.1\r\n\r\n", false)).startsWith("a control character");
        // the buffer continues a head whose first lines were consumed: a leading space is a fold there
        assertThat(check(" folded\r\n\r\n", true)).startsWith("obs-fold");
        assertThat(check(" GET / HTTP/1.1\r\n\r\n", false)).isNull(); // Netty's own error, not ours
        // only the first head is read: what follows its blank line is the next request's (or a body's)
        assertThat(check("GET / HTTP/1.1\r\nHost: a\r\n\r\n folded\r\n\r\n", false)).isNull();
        assertThat(check("GET / HTTP/1.1\r\nHost: a\r\n\n folded\r\n", false)).isNull();
        // a head cut short is judged on what has arrived
        assertThat(check("GET / HTTP/1.1\r\nHost: a\r\n ", false)).startsWith("obs-fold");
        assertThat(check("GET / HTTP/1.1\r\nHo", false)).isNull();
    }

    /** Line by line with indexOf, the same answers as a scan of every byte (the first version), on random heads. */
    @Test
    void agreesWithAByteByByteScan() {
        char[] alphabet = {'\r', '\n', ' ', '\t', 'G', 'a', ':', '/', 1, 0x7f, 0xe9};
        Random random = new Random(20261123);
        for (int n = 0; n < 200_000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(24);
            for (int k = 0; k < len; k++) {
                sb.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String head = sb.toString();
            boolean midHead = random.nextBoolean();
            int skip = len == 0 ? 0 : random.nextInt(Math.min(len, 3) + 1);
            ByteBuf b = Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1);
            b.readerIndex(skip);
            try {
                assertThat(RequestDecoder.badHead(b, midHead))
                        .as("head %s from %d, midHead %s", head.replace("\r", "\\r").replace("\n", "\\n"), skip, midHead)
                        .isEqualTo(byteByByte(b, midHead));
            } finally {
                b.release();
            }
        }
    }

    private static String byteByByte(ByteBuf buf, boolean midHead) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        boolean started = midHead;
        if (!started) {
            while (i < end && (buf.getByte(i) == '\r' || buf.getByte(i) == '\n')) {
                i++;
            }
            if (i < end) {
                byte b = buf.getByte(i);
                if ((b >= 0 && b < 0x20) || b == 0x7f) {
                    return "a control character before the request line";
                }
            }
        }
        boolean lineStart = true;
        int lineLen = 0;
        for (; i < end; i++) {
            byte b = buf.getByte(i);
            if (lineStart && (b == ' ' || b == '\t') && started) {
                return "obs-fold (a header line starting with whitespace)";
            }
            lineStart = false;
            if (b == '\n') {
                if (lineLen == 0 && started) {
                    return null;
                }
                started = true;
                lineStart = true;
                lineLen = 0;
            } else if (b != '\r') {
                lineLen++;
            }
        }
        return null;
    }
}
