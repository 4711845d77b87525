package io.jswoole.cli.bench;

import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The units {@code -f} names: the built-in ones by name, one's own by class name. */
final class Units {
    static final List<String> BUILT_IN = List.of("long_tcp", "short_tcp", "udp", "eof", "length", "http", "http2",
            "websocket", "redis");

    private Units() {
    }

    static Unit create(BenchOptions o) {
        UnitConfig c = o.unitConfig();
        Unit unit = switch (o.unit()) {
            case "long_tcp" -> new EchoUnit(c, false, false);
            case "short_tcp" -> new EchoUnit(c, true, false);
            case "udp" -> new EchoUnit(c, false, true);
            case "eof" -> new FramedUnit(c, true);
            case "length" -> new FramedUnit(c, false);
            case "http" -> new HttpUnit(c);
            case "http2" -> new Http2Unit(c);
            case "websocket" -> new WebSocketUnit(c);
            case "redis" -> new RedisUnit(c);
            default -> load(o.unit(), o.unitPath(), c);
        };
        if (unit.transport() == Unit.Transport.HTTP2 && !(unit instanceof Http2Unit)) {
            throw new IllegalArgumentException("-f " + o.unit() + ": Transport.HTTP2 is the built-in http2 unit's; "
                    + "a unit of one's own speaks STREAM or DATAGRAM");
        }
        if (unit instanceof Http2Unit && o.target().isUnix()) {
            throw new IllegalArgumentException("-f http2 connects over TCP: give -s tcp://host:port (h2c) or "
                    + "tls://host:port (h2)");
        }
        boolean datagram = unit.transport() == Unit.Transport.DATAGRAM;
        if (datagram && o.target().isUnix()) {
            throw new IllegalArgumentException("-f " + o.unit() + " sends datagrams, which bench sends over UDP only; "
                    + "give -s udp://host:port");
        }
        if (!datagram && o.target().isUdp()) {
            throw new IllegalArgumentException("-s " + o.target() + " is UDP, but -f " + o.unit()
                    + " needs a stream; use -f udp, or -s tcp://" + o.target().authority());
        }
        if (o.pipeline() > 1 && !unit.pipelining()) {
            throw new IllegalArgumentException("-f " + o.unit() + " sends one request per connection: -P must be 1");
        }
        return unit;
    }

    private static Unit load(String name, String path, UnitConfig c) {
        String builtIn = "built in: " + String.join(", ", BUILT_IN);
        if (!name.contains(".") && path == null) {
            throw new IllegalArgumentException("-f " + name + ": no such unit (" + builtIn
                    + "; or the name of a class implementing " + Unit.class.getName() + ")");
        }
        ClassLoader loader = Units.class.getClassLoader();
        if (path != null) {
            if (!Files.exists(Path.of(path))) {
                throw new IllegalArgumentException("--unit-path " + path + ": no such file or directory");
            }
            try {
                loader = new URLClassLoader(new URL[] {Path.of(path).toUri().toURL()}, loader);
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("--unit-path " + path + ": " + e.getMessage());
            }
        }
        Class<?> type;
        try {
            type = Class.forName(name, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("-f " + name + ": no such unit (" + builtIn + ") and no class of that "
                    + "name on the class path" + (path == null ? " (add --unit-path DIR_OR_JAR)" : " or in " + path));
        }
        if (!Unit.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("-f " + name + ": the class does not implement " + Unit.class.getName());
        }
        try {
            try {
                return (Unit) type.getConstructor(UnitConfig.class).newInstance(c);
            } catch (NoSuchMethodException e) {
                return (Unit) type.getConstructor().newInstance();
            }
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("-f " + name + ": needs a public constructor taking a UnitConfig, or "
                    + "none");
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("-f " + name + ": its constructor failed: " + e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("-f " + name + ": cannot create it: " + e);
        }
    }
}
