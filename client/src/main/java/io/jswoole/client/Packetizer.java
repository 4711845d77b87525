package io.jswoole.client;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import io.jswoole.protocol.frame.FrameException;
import io.jswoole.protocol.frame.FrameSpec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Runs the server's frame decoder of a {@link FrameSpec} outside any event loop: bytes go in as they are read,
 * whole packets come out, so a client splits a stream exactly as a server port with the same settings does.
 */
final class Packetizer {
    private final EmbeddedChannel decoder;

    Packetizer(FrameSpec spec) {
        this.decoder = new EmbeddedChannel(spec.newDecoder());
    }

    /**
     * Adds bytes read from the socket.
     *
     * @throws SwooleException with the decoder's code (e.g. {@link ErrorCode#PACKAGE_LENGTH_TOO_LARGE})
     */
    void feed(byte[] bytes) {
        try {
            decoder.writeInbound(Unpooled.wrappedBuffer(bytes));
        } catch (FrameException e) {
            throw new SwooleException(e.error(), e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new SwooleException(ErrorCode.PROTOCOL_ERROR, String.valueOf(e.getMessage()), e);
        }
    }

    /** The next whole packet, or {@code null} when none is complete yet. */
    byte[] next() {
        ByteBuf b = decoder.readInbound();
        if (b == null) {
            return null;
        }
        try {
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    void close() {
        decoder.finishAndReleaseAll();
    }
}
