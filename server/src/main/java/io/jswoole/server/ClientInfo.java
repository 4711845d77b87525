package io.jswoole.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code getClientInfo(fd)}: what the server knows about one connection, with Swoole's fields. Times are Unix
 * seconds (with fractions for the {@code last_*} fields), as Swoole reports them.
 */
public record ClientInfo(
        int serverPort, int serverFd, int socketFd, int socketType, int remotePort, String remoteIp, int reactorId,
        long connectTime, double lastTime, double lastRecvTime, double lastSendTime, double lastDispatchTime,
        int closeErrno, long recvQueuedBytes, long sendQueuedBytes, long uid, int workerId) {

    /** The same fields under Swoole's names ({@code server_port}, {@code remote_ip}, ...). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_port", serverPort);
        m.put("server_fd", serverFd);
        m.put("socket_fd", socketFd);
        m.put("socket_type", socketType);
        m.put("remote_port", remotePort);
        m.put("remote_ip", remoteIp);
        m.put("reactor_id", reactorId);
        m.put("connect_time", connectTime);
        m.put("last_time", lastTime);
        m.put("last_recv_time", lastRecvTime);
        m.put("last_send_time", lastSendTime);
        m.put("last_dispatch_time", lastDispatchTime);
        m.put("close_errno", closeErrno);
        m.put("recv_queued_bytes", recvQueuedBytes);
        m.put("send_queued_bytes", sendQueuedBytes);
        m.put("uid", uid);
        m.put("worker_id", workerId);
        return m;
    }
}
