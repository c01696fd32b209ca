package io.infrakit.operator.policy;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a policy's patterns match: names and group IDs by glob, commands by a glob whose {@code *} cannot reach
 * outside one plain word run, host paths by directory, hosts by name, address or CIDR block. Addresses are parsed
 * without DNS: a name is judged as written here, and by what it resolves to where it is used ({@link PolicyGuard}).
 */
final class HostPatterns {

    /** What a {@code *} in a command pattern stands for: no quote, no {@code ; & | $ `}, no redirection. */
    static final String COMMAND_WORD = "[A-Za-z0-9 _./=:,@%+-]*";

    /** Cloud metadata services outside the link-local block. */
    private static final Set<InetAddress> METADATA = Set.of(InetAddresses.forString("fd00:ec2::254"),
            InetAddresses.forString("100.100.100.200"));

    private HostPatterns() {
    }

    /** {@code *} any run of characters, {@code ?} one; everything else literal. */
    static boolean glob(String pattern, String text) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL).matcher(text).matches();
    }

    static boolean anyGlob(List<String> patterns, String text) {
        return patterns.stream().anyMatch(p -> glob(p, text));
    }

    /**
     * A command line against a pattern: literal text, and {@code *} for a run of letters, digits, spaces and
     * {@code _./=:,@%+-}, so {@code /opt/app/run *} allows arguments but not {@code ; rm -rf /} after them.
     */
    static boolean command(String pattern, String line) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? COMMAND_WORD : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString()).matcher(line.strip()).matches();
    }

    /** A path as the policy compares it: absolute (against this process's directory) and without {@code ..}. */
    static Path hostPath(String path) {
        try {
            return Path.of(path).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** Whether {@code path} is one of {@code allowed} or inside one of them. */
    static boolean underAny(List<String> allowed, String path) {
        Path p = hostPath(path);
        if (p == null) {
            return false;
        }
        return allowed.stream().map(HostPatterns::hostPath).anyMatch(a -> a != null && p.startsWith(a));
    }

    /** A host name or address as written in a URL, lower case, without IPv6 brackets. */
    static String bareHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** The address a host is written as, or null for a name (which only DNS can tell). */
    static InetAddress literal(String host) {
        String h = bareHost(host);
        return InetAddresses.isInetAddress(h) ? InetAddresses.forString(h) : null;
    }

    /**
     * Whether a host as written is internal: loopback, link-local (cloud metadata among them), unspecified,
     * multicast, a metadata address, {@code localhost}, or a number in a form other than four decimal parts
     * ({@code 2130706433}, {@code 0x7f.1}), which resolvers read differently and which no honest URL needs.
     */
    static boolean internal(String host) {
        String h = bareHost(host);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        InetAddress a = literal(h);
        if (a != null) {
            return internal(a);
        }
        return List.of(h.split("\\.", -1)).stream().allMatch(l -> l.matches("[0-9]+|0x[0-9a-f]*"));
    }

    static boolean internal(InetAddress a) {
        return a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress() || a.isMulticastAddress()
                || METADATA.contains(a);
    }

    /**
     * A host against one pattern: {@code *} (any host that is not internal), {@code *.example.com} (any name under
     * it, not internal), a name, an address, or a CIDR block ({@code 10.0.0.0/8}). So an internal host matches a
     * pattern that names it (its name, address or block), and wildcards only when {@code internalAllowed}.
     */
    static boolean host(String pattern, String host, boolean internalAllowed) {
        String p = bareHost(pattern);
        String h = bareHost(host);
        if (p.equals("*") || p.startsWith("*.")) {
            boolean matches = p.equals("*") || literal(h) == null && h.endsWith(p.substring(1));
            return matches && (internalAllowed || !internal(h));
        }
        if (p.contains("/")) {
            return inBlock(p, h);
        }
        InetAddress pa = literal(p);
        return pa != null ? pa.equals(literal(h)) : p.equals(h);
    }

    static boolean anyHost(List<String> patterns, String host, boolean internalAllowed) {
        return patterns.stream().anyMatch(p -> host(p, host, internalAllowed));
    }

    /** Whether an address (not a name) lies in a CIDR block. */
    static boolean inBlock(String cidr, String host) {
        int slash = cidr.indexOf('/');
        InetAddress net = literal(cidr.substring(0, slash));
        InetAddress a = literal(host);
        if (net == null || a == null || net.getAddress().length != a.getAddress().length) {
            return false;
        }
        int bits;
        try {
            bits = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] x = net.getAddress();
        byte[] y = a.getAddress();
        for (int i = 0; i < x.length; i++) {
            int take = Math.max(0, Math.min(8, bits - 8 * i));
            int mask = take == 0 ? 0 : 0xff << (8 - take) & 0xff;
            if ((x[i] & mask) != (y[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a pattern is a valid CIDR block. */
    static boolean validBlock(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0 || literal(cidr.substring(0, slash)) == null) {
            return false;
        }
        try {
            int bits = Integer.parseInt(cidr.substring(slash + 1));
            return bits >= 0 && bits <= literal(cidr.substring(0, slash)).getAddress().length * 8;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
