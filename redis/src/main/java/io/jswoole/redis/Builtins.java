package io.jswoole.redis;

import io.jswoole.redis.RedisConnection.Response;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The connection commands real clients and tools send, answered on the connection's event loop unless the
 * application has a handler of the same name: PING, ECHO, QUIT, HELLO, AUTH (the default user; a password with
 * {@link RedisServer#requirePass}), SELECT 0, CLIENT SETNAME/GETNAME/ID/REPLY/SETINFO, COMMAND (no command
 * table), CONFIG GET (no configuration). Lettuce sends HELLO 3 and CLIENT SETINFO on connect, redis-cli COMMAND
 * DOCS, redis-benchmark CONFIG GET, redis-cli --pipe an ECHO; without these they fail or fall back.
 */
final class Builtins {
    /** What HELLO reports as the server: clients read the version to pick features (Redis 7.0's command set). */
    static final String VERSION = "7.0.0";
    /** Redis's only user here, the one AUTH with just a password means. */
    private static final byte[] DEFAULT_USER = "default".getBytes(StandardCharsets.US_ASCII);

    private Builtins() {
    }

    /** The answer to built-in {@code command} (lower case), or null when it is not one. */
    static Response answer(RedisConnection c, long seq, String command, List<byte[]> argv) {
        int args = argv.size() - 1;
        return switch (command) {
            case "ping" -> args == 0 ? reply(seq, Reply.status("PONG")) : args == 1 ? reply(seq, Reply.bulk(argv.get(1)))
                    : arity(seq, command);
            case "echo" -> args == 1 ? reply(seq, Reply.bulk(argv.get(1))) : arity(seq, command);
            case "quit" -> new Response(seq, Reply.OK, true, 0, null);
            case "auth" -> args == 0 ? arity(seq, command) : args > 2 ? reply(seq, Reply.error("ERR syntax error"))
                    : auth(c, seq, argv);
            case "select" -> args != 1 ? arity(seq, command) : text(argv.get(1)).equals("0") ? reply(seq, Reply.OK)
                    : reply(seq, Reply.error(isNumber(text(argv.get(1))) ? "ERR DB index is out of range"
                            : "ERR value is not an integer or out of range"));
            case "hello" -> hello(c, seq, argv);
            case "client" -> client(c, seq, argv);
            case "command" -> args >= 1 && text(argv.get(1)).equalsIgnoreCase("docs")
                    ? reply(seq, new Reply.MapReply(Map.of())) : args >= 1 && text(argv.get(1)).equalsIgnoreCase("count")
                    ? reply(seq, Reply.integer(0)) : reply(seq, Reply.array(List.of()));
            case "config" -> args >= 2 && text(argv.get(1)).equalsIgnoreCase("get")
                    ? reply(seq, new Reply.MapReply(Map.of()))
                    : reply(seq, Reply.error("ERR CONFIG " + (args >= 1 ? text(argv.get(1)) : "")
                            + " is not supported: this server has no configuration to change"));
            default -> null;
        };
    }

    /** AUTH [username] password: redis-server's answers, for the default user (the only one). */
    private static Response auth(RedisConnection c, long seq, List<byte[]> argv) {
        if (argv.size() == 2 && !c.server.requiresPass()) {
            return reply(seq, Reply.error("ERR AUTH <password> called without any password configured for the "
                    + "default user. Are you sure your configuration is correct?"));
        }
        Reply failed = authenticate(c, argv.size() == 3 ? argv.get(1) : DEFAULT_USER, argv.getLast());
        return reply(seq, failed != null ? failed : Reply.OK);
    }

    /**
     * Authenticates {@code c} as {@code user}: null when it succeeds, else the error. As in redis-server, the
     * default user is the only one and, without {@link RedisServer#requirePass}, takes any password.
     */
    private static Reply authenticate(RedisConnection c, byte[] user, byte[] password) {
        boolean ok = java.util.Arrays.equals(user, DEFAULT_USER)
                && (!c.server.requiresPass() || c.server.passwordMatches(password));
        if (!ok) {
            return Reply.error("WRONGPASS invalid username-password pair or user is disabled.");
        }
        c.authenticated = true;
        return null;
    }

    private static Response hello(RedisConnection c, long seq, List<byte[]> argv) {
        int protocol = c.protocol;
        int i = 1;
        if (argv.size() > 1) {
            String v = text(argv.get(1));
            if (!v.equals("2") && !v.equals("3")) {
                return reply(seq, Reply.error(isNumber(v) ? "NOPROTO unsupported protocol version"
                        : "ERR Protocol version is not an integer or out of range"));
            }
            protocol = Integer.parseInt(v);
            i = 2;
        }
        String name = null;
        byte[] user = null, password = null;
        for (; i < argv.size(); i++) {
            String option = text(argv.get(i)).toLowerCase(Locale.ROOT);
            if (option.equals("setname") && i + 1 < argv.size()) {
                name = text(argv.get(++i));
                if (!validName(name)) {
                    return reply(seq, Reply.error("ERR Client names cannot contain spaces, newlines or special "
                            + "characters."));
                }
            } else if (option.equals("auth") && i + 2 < argv.size()) {
                user = argv.get(++i);
                password = argv.get(++i);
            } else {
                return reply(seq, Reply.error("ERR Syntax error in HELLO option '" + option + "'"));
            }
        }
        if (user != null) {
            Reply failed = authenticate(c, user, password);
            if (failed != null) {
                return reply(seq, failed);
            }
        } else if (c.server.requiresPass() && !c.authenticated) {
            return reply(seq, Reply.error("NOAUTH HELLO must be called with the client already authenticated, "
                    + "otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and "
                    + "select the RESP protocol version at the same time"));
        }
        if (name != null) {
            c.name = name;
        }
        Map<Reply, Reply> info = new LinkedHashMap<>();
        info.put(Reply.bulk("server"), Reply.bulk("redis"));
        info.put(Reply.bulk("version"), Reply.bulk(VERSION));
        info.put(Reply.bulk("proto"), Reply.integer(protocol));
        info.put(Reply.bulk("id"), Reply.integer(c.id));
        info.put(Reply.bulk("mode"), Reply.bulk("standalone"));
        info.put(Reply.bulk("role"), Reply.bulk("master"));
        info.put(Reply.bulk("modules"), Reply.array(List.of()));
        return new Response(seq, new Reply.MapReply(info), false, protocol, null);
    }

    private static Response client(RedisConnection c, long seq, List<byte[]> argv) {
        if (argv.size() < 2) {
            return arity(seq, "client");
        }
        String sub = text(argv.get(1)).toLowerCase(Locale.ROOT);
        return switch (sub) {
            case "setname" -> {
                if (argv.size() != 3) {
                    yield arity(seq, "client|setname");
                }
                String name = text(argv.get(2));
                if (!validName(name)) {
                    yield reply(seq, Reply.error("ERR Client names cannot contain spaces, newlines or special "
                            + "characters."));
                }
                c.name = name.isEmpty() ? null : name;
                yield reply(seq, Reply.OK);
            }
            case "getname" -> reply(seq, c.name == null ? Reply.NIL : Reply.bulk(c.name));
            case "id" -> reply(seq, Reply.integer(c.id));
            case "setinfo" -> argv.size() == 4 ? reply(seq, Reply.OK) : arity(seq, "client|setinfo");
            case "reply" -> {
                String mode = argv.size() == 3 ? text(argv.get(2)).toLowerCase(Locale.ROOT) : "";
                yield switch (mode) {
                    case "on", "off", "skip" -> new Response(seq, Reply.OK, false, 0, mode);
                    default -> reply(seq, Reply.error("ERR syntax error"));
                };
            }
            default -> reply(seq, Reply.error("ERR unknown subcommand '" + text(argv.get(1))
                    + "'. Try CLIENT HELP."));
        };
    }

    private static boolean validName(String name) {
        return name.chars().allMatch(ch -> ch > ' ' && ch <= '~');
    }

    private static boolean isNumber(String s) {
        return s.matches("-?\\d{1,18}");
    }

    private static Response reply(long seq, Reply r) {
        return new Response(seq, r);
    }

    private static Response arity(long seq, String command) {
        return reply(seq, Reply.error("ERR wrong number of arguments for '" + command + "' command"));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
