package io.infrakit.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --key value} options and the {@code --quick} switch. */
record Options(Map<String, String> values, boolean quick) {

    static Options parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                quick = true;
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                values.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
        }
        return new Options(values, quick);
    }

    int integer(String key, int full, int quickValue) {
        return values.containsKey(key) ? Integer.parseInt(values.get(key)) : quick ? quickValue : full;
    }

    String string(String key, String def) {
        return values.getOrDefault(key, def);
    }
}
