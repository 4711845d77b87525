package io.jswoole.server.config;

import io.jswoole.protocol.frame.FrameSpec;
import io.jswoole.server.Port;

/**
 * A port's settings as the engine uses them, resolved at {@code start()} with their defaults and checked together:
 * framing, heartbeat and idle limits, the output buffer and its watermarks.
 */
public record PortConfig(FrameSpec frame, long idleNanos, long maxIdleNanos, long socketBufferSize, int highWatermark,
        int lowWatermark) {

    /**
     * {@code port}'s settings with {@code frame} (checked when the framing keys were set) and the server's
     * {@code heartbeat_check_interval}.
     *
     * @throws IllegalArgumentException naming the key, for watermarks that do not fit together
     */
    public static PortConfig of(Port port, FrameSpec frame, int heartbeatInterval) {
        int idle = port.setting("heartbeat_idle_time", heartbeatInterval * 2);
        long socketBufferSize = port.setting("socket_buffer_size", 8L << 20);
        long high = port.setting("buffer_high_watermark", (long) (socketBufferSize * 0.8));
        long low = port.setting("buffer_low_watermark", 0L);
        if (low > high) {
            throw new IllegalArgumentException("setting 'buffer_low_watermark' (" + low
                    + ") must not be above buffer_high_watermark (" + high + ")");
        }
        if (high > socketBufferSize) {
            throw new IllegalArgumentException("setting 'buffer_high_watermark' (" + high
                    + ") must not be above socket_buffer_size (" + socketBufferSize + ")");
        }
        return new PortConfig(frame, idle * 1_000_000_000L, (long) (port.setting("max_idle_time", 0.0) * 1e9),
                socketBufferSize, (int) Math.max(high, 1), (int) low);
    }
}
