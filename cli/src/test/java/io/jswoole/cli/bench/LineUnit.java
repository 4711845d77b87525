package io.jswoole.cli.bench;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/** The unit of one's own from {@link Unit}'s documentation: "PING seq\n", answered "PONG seq\n". */
public final class LineUnit implements Unit {
    @Override
    public void writeRequest(ByteBuf out, long seq) {
        out.writeCharSequence("PING " + seq + "\n", StandardCharsets.US_ASCII);
    }

    @Override
    public int replyLength(ByteBuf in) {
        int nl = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        return nl < 0 ? 0 : nl - in.readerIndex() + 1;
    }

    @Override
    public String check(ByteBuf reply, long seq, boolean verify) {
        return !verify || reply.toString(StandardCharsets.US_ASCII).equals("PONG " + seq + "\n")
                ? null : Unit.CONTENT_MISMATCH;
    }
}
