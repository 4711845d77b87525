package io.jswoole.cli.bench;

import io.netty.buffer.ByteBuf;

/**
 * {@code long_tcp}, {@code short_tcp} and {@code udp}: {@code -l} bytes sent, the same bytes expected back (an
 * echo server such as {@code ./jswoole run tcp-echo} or {@code udp-echo}). On a stream without framing, a reply
 * is complete once {@code -l} bytes have come back.
 */
final class EchoUnit implements Unit {
    private final int size;
    private final Payload payload;
    private final boolean perRequest;
    private final boolean datagram;

    EchoUnit(UnitConfig config, boolean perRequest, boolean datagram) {
        if (config.payloadSize() < 1) {
            throw new IllegalArgumentException("-l must be at least 1 for an echo unit");
        }
        this.size = config.payloadSize();
        this.payload = new Payload(size);
        this.perRequest = perRequest;
        this.datagram = datagram;
    }

    @Override
    public Transport transport() {
        return datagram ? Transport.DATAGRAM : Transport.STREAM;
    }

    @Override
    public boolean connectionPerRequest() {
        return perRequest;
    }

    @Override
    public boolean pipelining() {
        return !perRequest;
    }

    @Override
    public void writeRequest(ByteBuf out, long seq) {
        payload.write(out, seq);
    }

    @Override
    public int replyLength(ByteBuf in) {
        return in.readableBytes() >= size ? size : 0;
    }

    @Override
    public String check(ByteBuf reply, long seq, boolean verify) {
        if (reply.readableBytes() != size) {
            return PROTOCOL_ERROR;
        }
        return !verify || payload.matches(reply, reply.readerIndex(), seq) ? null : CONTENT_MISMATCH;
    }
}
