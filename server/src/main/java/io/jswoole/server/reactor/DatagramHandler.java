package io.jswoole.server.reactor;

import io.jswoole.server.Port;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DomainDatagramPacket;
import java.net.InetSocketAddress;

/** The reactor side of a datagram port (UDP, UDP6, UNIX_DGRAM): one packet event per datagram. */
final class DatagramHandler extends ChannelInboundHandlerAdapter {
    private final Intake intake;
    private final Port port;

    DatagramHandler(Intake intake, Port port) {
        this.intake = intake;
        this.port = port;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            String address;
            int remotePort;
            ByteBuf content;
            if (msg instanceof DatagramPacket p) {
                InetSocketAddress from = p.sender();
                address = from.getAddress().getHostAddress();
                remotePort = from.getPort();
                content = p.content();
            } else if (msg instanceof DomainDatagramPacket p) {
                address = p.sender() == null ? "" : p.sender().path();
                remotePort = 0;
                content = p.content();
            } else {
                return;
            }
            byte[] data = new byte[content.readableBytes()];
            content.readBytes(data);
            intake.packet(port, ctx.channel(), data, address, remotePort);
        } finally {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }
}
