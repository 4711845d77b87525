package io.jswoole.redis;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A command's arguments, without its name, as a handler gets them: each as a string (UTF-8), or as the bytes the
 * client sent ({@link #bytes}), for binary values.
 */
public final class Args extends AbstractList<String> implements RandomAccess {
    private final List<byte[]> argv;

    /** {@code argv} holds the command name first; it is not among the arguments. */
    Args(List<byte[]> argv) {
        this.argv = argv;
    }

    @Override
    public String get(int index) {
        return new String(bytes(index), StandardCharsets.UTF_8);
    }

    /** Argument {@code index}, as sent. */
    public byte[] bytes(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException(index);
        }
        return argv.get(index + 1);
    }

    /** Argument {@code index} as a long; a NumberFormatException when it is not one. */
    public long getLong(int index) {
        return Long.parseLong(get(index));
    }

    @Override
    public int size() {
        return argv.size() - 1;
    }
}
