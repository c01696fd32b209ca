package io.infrakit.bench.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The lab's network: a namespace per etcd member ({@code e1..e3}) and per operator replica ({@code o1..o3}), each
 * with one veth into a bridge that lives in a namespace of its own, and one veth from this process's namespace into
 * that bridge so the harness (and the relays it runs) can reach every node. Addresses come from 198.18.0.0/15, the
 * range set aside for network tests. Faults are iptables rules in the nodes' own namespaces, in a chain
 * {@code LAB} that healing flushes: nothing outside the lab's namespaces is touched but the harness's veth.
 */
final class LabNetwork implements AutoCloseable {

    static final int MEMBERS = 3;
    static final int REPLICAS = 3;
    private static final String CHAIN = "LAB";

    private final String id;
    private final int subnet;
    private final List<String> namespaces = new ArrayList<>();
    private boolean hostLink;

    private LabNetwork(String id, int subnet) {
        this.id = id;
        this.subnet = subnet;
    }

    /** Creates the namespaces, the bridge and the links. On failure, removes what it made. */
    static LabNetwork create() {
        String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        int subnet = freeSubnet();
        LabNetwork net = new LabNetwork(id, subnet);
        try {
            net.build();
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private static int freeSubnet() {
        String used = Shell.run("ip", "-4", "route", "show", "table", "all");
        for (int tries = 0; tries < 50; tries++) {
            int s = ThreadLocalRandom.current().nextInt(100, 250);
            if (!used.contains("198.18." + s + ".")) {
                return s;
            }
        }
        throw new IllegalStateException("no free 198.18.x.0/24 test subnet");
    }

    String switchNs() {
        return "ikc" + id + "-sw";
    }

    String etcdNs(int member) {
        return "ikc" + id + "-e" + member;
    }

    String operatorNs(int replica) {
        return "ikc" + id + "-o" + replica;
    }

    String etcdIp(int member) {
        return "198.18." + subnet + "." + member;
    }

    String operatorIp(int replica) {
        return "198.18." + subnet + "." + (10 + replica);
    }

    /** The harness's address on the lab network (the relays listen there). */
    String hostIp() {
        return "198.18." + subnet + ".254";
    }

    private String hostLinkName() {
        return "ikc" + id + "h";
    }

    private void build() {
        Shell.run("ip", "netns", "add", switchNs());
        namespaces.add(switchNs());
        Shell.run("ip", "-n", switchNs(), "link", "add", "br0", "type", "bridge");
        Shell.run("ip", "-n", switchNs(), "link", "set", "br0", "up");
        for (int m = 1; m <= MEMBERS; m++) {
            node(etcdNs(m), "pe" + m, etcdIp(m));
        }
        for (int r = 1; r <= REPLICAS; r++) {
            node(operatorNs(r), "po" + r, operatorIp(r));
        }
        Shell.run("ip", "link", "add", hostLinkName(), "type", "veth", "peer", "name", "ph", "netns", switchNs());
        hostLink = true;
        Shell.run("ip", "-n", switchNs(), "link", "set", "ph", "master", "br0", "up");
        Shell.run("ip", "addr", "add", hostIp() + "/24", "dev", hostLinkName());
        Shell.run("ip", "link", "set", hostLinkName(), "up");
    }

    private void node(String ns, String port, String ip) {
        Shell.run("ip", "netns", "add", ns);
        namespaces.add(ns);
        Shell.run("ip", "-n", switchNs(), "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Shell.run("ip", "-n", switchNs(), "link", "set", port, "master", "br0", "up");
        Shell.run("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0");
        Shell.run("ip", "-n", ns, "link", "set", "eth0", "up");
        Shell.run("ip", "-n", ns, "link", "set", "lo", "up");
        Shell.inNs(ns, "iptables", "-N", CHAIN);
        Shell.inNs(ns, "iptables", "-A", "INPUT", "-j", CHAIN);
        Shell.inNs(ns, "iptables", "-A", "OUTPUT", "-j", CHAIN);
    }

    /** Drops what the node in {@code ns} sends to {@code ip} (one direction only). */
    void dropTo(String ns, String ip) {
        Shell.inNs(ns, "iptables", "-A", CHAIN, "-d", ip, "-j", "DROP");
    }

    /** Drops what the node in {@code ns} receives from {@code ip} (one direction only). */
    void dropFrom(String ns, String ip) {
        Shell.inNs(ns, "iptables", "-A", CHAIN, "-s", ip, "-j", "DROP");
    }

    /** Drops what the node sends to a TCP port of the harness (an operator's relay towards one etcd member). */
    void dropToHostPort(String ns, int port) {
        Shell.inNs(ns, "iptables", "-A", CHAIN, "-p", "tcp", "-d", hostIp(), "--dport", Integer.toString(port),
                "-j", "DROP");
    }

    /** Drops what the node receives from a TCP port of the harness. */
    void dropFromHostPort(String ns, int port) {
        Shell.inNs(ns, "iptables", "-A", CHAIN, "-p", "tcp", "-s", hostIp(), "--sport", Integer.toString(port),
                "-j", "DROP");
    }

    /** Drops this fraction of every packet the node sends or receives, at random. */
    void loss(String ns, double fraction) {
        Shell.inNs(ns, "iptables", "-A", CHAIN, "-m", "statistic", "--mode", "random", "--probability",
                Double.toString(fraction), "-j", "DROP");
    }

    /** Removes every fault from every node. */
    void heal() {
        for (String ns : namespaces) {
            if (!ns.equals(switchNs())) {
                Shell.tryRun("ip", "netns", "exec", ns, "iptables", "-F", CHAIN);
            }
        }
    }

    /** Whether the kernel has tc's netem (many minimal kernels do not). */
    static boolean netemAvailable() {
        String ns = "ikcprobe" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100, 0x1000));
        try {
            Shell.run("ip", "netns", "add", ns);
            Shell.run("ip", "-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
            return Shell.tryRun("ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "v0", "root", "netem",
                    "delay", "10ms").code() == 0;
        } finally {
            Shell.tryRun("ip", "netns", "del", ns);
        }
    }

    /** Removes the namespaces (with everything in them) and the harness's link; never throws. */
    @Override
    public void close() {
        if (hostLink) {
            Shell.tryRun("ip", "link", "del", hostLinkName());
            hostLink = false;
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            Shell.tryRun("ip", "netns", "del", namespaces.get(i));
        }
        namespaces.clear();
    }
}
