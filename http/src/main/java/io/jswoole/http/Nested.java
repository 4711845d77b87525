package io.jswoole.http;

import java.util.LinkedHashMap;
import java.util.Map;

/** PHP's nesting of bracketed names: {@code a[b][]} puts a value at a -> b -> next index. */
final class Nested {
    private Nested() {
    }

    @SuppressWarnings("unchecked")
    static void put(Map<String, Object> root, String name, Object value) {
        int open = name.indexOf('[');
        if (open <= 0 || !name.endsWith("]")) {
            root.put(name, value);
            return;
        }
        Map<String, Object> cur = root;
        String key = name.substring(0, open);
        String rest = name.substring(open);
        while (!rest.isEmpty()) {
            int close = rest.indexOf(']');
            if (!rest.startsWith("[") || close < 0) {
                break;
            }
            Object child = cur.get(key);
            if (!(child instanceof Map)) {
                child = new LinkedHashMap<String, Object>();
                cur.put(key, child);
            }
            cur = (Map<String, Object>) child;
            key = rest.substring(1, close);
            if (key.isEmpty()) {
                key = Integer.toString(cur.size());
            }
            rest = rest.substring(close + 1);
        }
        cur.put(key, value);
    }
}
