package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code http_header_timeout} (1 s here) on h2c connections, from raw sockets: a connection preface without
 * SETTINGS, and a HEADERS frame whose block never ends (no END_HEADERS, no CONTINUATION), each get a GOAWAY
 * (SETTINGS_TIMEOUT, ENHANCE_YOUR_CALM) and the close after the timeout; a connection whose header blocks end is
 * answered and stays open past it. In every mode (the HTTP/2 connection lives where the sockets are).
 */
class Http2HeaderTimeoutTest {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADERS = 1, SETTINGS = 4, PING = 6, GOAWAY = 7;
    private static final int SETTINGS_TIMEOUT = 0x4, ENHANCE_YOUR_CALM = 0xb;

    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        TestCa.create(dir);
    }

    record Frame(int type, int flags, int stream, byte[] payload) {
        int errorCode() { // of a GOAWAY
            return ((payload[4] & 0xff) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8)
                    | (payload[7] & 0xff);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aPrefaceWithoutSettingsIsClosedAfterTheTimeoutWithGoaway(Mode mode) throws Exception {
        try (Running s = Running.start(Http2App.create(mode, dir, "http_header_timeout=1"));
                Socket c = Running.connect(s.port())) {
            c.setSoTimeout(15_000);
            long t0 = System.nanoTime();
            c.getOutputStream().write(PREFACE);
            List<Frame> got = untilClosed(c);
            double took = (System.nanoTime() - t0) / 1e9;
            assertThat(got).as("the server's SETTINGS, then GOAWAY").extracting(Frame::type).contains(SETTINGS)
                    .endsWith(GOAWAY);
            assertThat(got.getLast().errorCode()).isEqualTo(SETTINGS_TIMEOUT);
            assertThat(took).as("after the timeout, not before").isBetween(0.9, 10.0);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aHeaderBlockThatNeverEndsIsClosedAfterTheTimeoutWithGoaway(Mode mode) throws Exception {
        try (Running s = Running.start(Http2App.create(mode, dir, "http_header_timeout=1"));
                Socket c = Running.connect(s.port())) {
            c.setSoTimeout(15_000);
            OutputStream out = c.getOutputStream();
            out.write(PREFACE);
            out.write(frame(SETTINGS, 0, 0, new byte[0]));
            long t0 = System.nanoTime();
            out.write(frame(HEADERS, 0, 1, new byte[] {(byte) 0x82})); // :method GET, and no END_HEADERS
            List<Frame> got = untilClosed(c);
            double took = (System.nanoTime() - t0) / 1e9;
            assertThat(got).extracting(Frame::type).endsWith(GOAWAY).doesNotContain(HEADERS);
            assertThat(got.getLast().errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
            assertThat(took).isBetween(0.9, 10.0);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void finishedHeaderBlocksAreAnsweredAndTheConnectionOutlivesTheTimeout(Mode mode) throws Exception {
        try (Running s = Running.start(Http2App.create(mode, dir, "http_header_timeout=1"));
                Socket c = Running.connect(s.port())) {
            c.setSoTimeout(15_000);
            OutputStream out = c.getOutputStream();
            DataInputStream in = new DataInputStream(c.getInputStream());
            out.write(PREFACE);
            out.write(frame(SETTINGS, 0, 0, new byte[0]));
            // :method GET, :scheme http, :path /hello (literal, indexed name 4), split over HEADERS + CONTINUATION
            byte[] path = "/hello".getBytes(StandardCharsets.US_ASCII);
            byte[] rest = new byte[2 + path.length];
            rest[0] = 0x04;
            rest[1] = (byte) path.length;
            System.arraycopy(path, 0, rest, 2, path.length);
            out.write(frame(HEADERS, 0x1, 1, new byte[] {(byte) 0x82, (byte) 0x86})); // END_STREAM
            out.write(frame(9, 0x4, 1, rest)); // CONTINUATION, END_HEADERS
            Frame answer = next(in, HEADERS);
            assertThat(answer.stream()).isEqualTo(1);
            Thread.sleep(2000); // twice the timeout
            out.write(frame(PING, 0, 0, new byte[8]));
            Frame pong = next(in, PING);
            assertThat(pong.flags() & 1).as("PING ACK: the connection is open").isEqualTo(1);
        }
    }

    /** The frames until the server closes (a GOAWAY is the last of them, when it sends one). */
    private static List<Frame> untilClosed(Socket c) throws IOException {
        DataInputStream in = new DataInputStream(c.getInputStream());
        List<Frame> got = new ArrayList<>();
        try {
            while (true) {
                got.add(read(in));
            }
        } catch (EOFException | java.net.SocketException e) {
            return got;
        }
    }

    /** Reads frames until one of {@code type}; fails on GOAWAY. */
    private static Frame next(DataInputStream in, int type) throws IOException {
        while (true) {
            Frame f = read(in);
            assertThat(f.type()).as("no GOAWAY").isNotEqualTo(GOAWAY);
            if (f.type() == type) {
                return f;
            }
        }
    }

    private static Frame read(DataInputStream in) throws IOException {
        int len = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] p = new byte[len];
        in.readFully(p);
        return new Frame(type, flags, stream, p);
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        return H2Client.bytes(type, flags, stream, payload);
    }
}
