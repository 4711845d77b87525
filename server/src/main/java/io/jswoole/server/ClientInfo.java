package io.jswoole.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code getClientInfo(fd)}: what the server knows about one connection, with Swoole's fields. Times are Unix
 * seconds (with fractions for the {@code last_*} fields), as Swoole reports them. {@code sslClientCert}: the
 * certificate a client of a TLS port presented, as PEM ({@code ssl_client_cert}, present only then).
 */
public record ClientInfo(
        int serverPort, int serverFd, int socketFd, int socketType, int remotePort, String remoteIp, int reactorId,
        long connectTime, double lastTime, double lastRecvTime, double lastSendTime, double lastDispatchTime,
        int closeErrno, long recvQueuedBytes, long sendQueuedBytes, long uid, int workerId,
        Optional<String> sslClientCert) {

    /** The inverse of {@link #toMap()} (a worker JVM receives the master's answer as a map). */
    public static ClientInfo fromMap(Map<?, ?> m) {
        return new ClientInfo((Integer) m.get("server_port"), (Integer) m.get("server_fd"),
                (Integer) m.get("socket_fd"), (Integer) m.get("socket_type"), (Integer) m.get("remote_port"),
                (String) m.get("remote_ip"), (Integer) m.get("reactor_id"), (Long) m.get("connect_time"),
                (Double) m.get("last_time"), (Double) m.get("last_recv_time"), (Double) m.get("last_send_time"),
                (Double) m.get("last_dispatch_time"), (Integer) m.get("close_errno"),
                (Long) m.get("recv_queued_bytes"), (Long) m.get("send_queued_bytes"), (Long) m.get("uid"),
                (Integer) m.get("worker_id"), Optional.ofNullable((String) m.get("ssl_client_cert")));
    }

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
        sslClientCert.ifPresent(pem -> m.put("ssl_client_cert", pem));
        return m;
    }
}
