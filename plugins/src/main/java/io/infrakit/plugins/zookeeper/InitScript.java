package io.infrakit.plugins.zookeeper;

import java.util.List;

/** Renders a member's init script: a local ZooKeeper (config, myid, exec) or InfraKit's docker run variant. */
final class InitScript {

    static final String MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain";

    private InitScript() {
    }

    /** {@code members} are the ensemble's addresses in myid order; {@code myid} is 1-based. */
    static String render(ZooKeeperSpec spec, List<String> members, int myid) {
        return spec.useDocker() ? docker(spec, members, myid) : local(spec, members, myid);
    }

    /** The member's own directory: its config and its data. */
    static String memberDir(ZooKeeperSpec spec, String address) {
        return spec.dataDir().endsWith("/") ? spec.dataDir() + address : spec.dataDir() + "/" + address;
    }

    static String config(ZooKeeperSpec spec, List<String> members, int myid) {
        String self = members.get(myid - 1);
        StringBuilder cfg = new StringBuilder()
                .append("tickTime=").append(spec.tickTime()).append('\n')
                .append("initLimit=").append(spec.initLimit()).append('\n')
                .append("syncLimit=").append(spec.syncLimit()).append('\n')
                .append("dataDir=").append(memberDir(spec, self)).append("/data\n")
                .append("clientPort=").append(spec.clientPort()).append('\n')
                .append("clientPortAddress=").append(self).append('\n')
                .append("4lw.commands.whitelist=srvr,ruok,mntr\n")
                .append("admin.enableServer=false\n");
        for (int i = 0; i < members.size(); i++) {
            cfg.append("server.").append(i + 1).append('=').append(members.get(i)).append(':')
                    .append(spec.peerPort()).append(':').append(spec.electionPort()).append('\n');
        }
        return cfg.toString();
    }

    private static String local(ZooKeeperSpec spec, List<String> members, int myid) {
        String dir = memberDir(spec, members.get(myid - 1));
        return "set -e\n"
                + "member=" + quote(dir) + "\n"
                + "mkdir -p \"$member/data\"\n"
                + "echo " + myid + " > \"$member/data/myid\"\n"
                + "cat > \"$member/zoo.cfg\" <<'INFRAKIT_ZOO_CFG'\n"
                + config(spec, members, myid)
                + "INFRAKIT_ZOO_CFG\n"
                + "exec " + quote(spec.java()) + " " + spec.javaOpts() + " -cp " + quote(spec.classPath()) + " "
                + MAIN + " \"$member/zoo.cfg\"\n";
    }

    /** The official image's variables; the member's own address becomes 0.0.0.0 so it binds every interface. */
    private static String docker(ZooKeeperSpec spec, List<String> members, int myid) {
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < members.size(); i++) {
            String host = i == myid - 1 ? "0.0.0.0" : members.get(i);
            servers.append(i == 0 ? "" : " ").append("server.").append(i + 1).append('=').append(host).append(':')
                    .append(spec.peerPort()).append(':').append(spec.electionPort()).append(';')
                    .append(spec.clientPort());
        }
        return "exec docker run --rm --name infrakit-zookeeper-" + myid + " --net=host"
                + " -v " + quote(memberDir(spec, members.get(myid - 1)) + "/data") + ":/data"
                + " -e ZOO_MY_ID=" + myid
                + " -e ZOO_TICK_TIME=" + spec.tickTime()
                + " -e ZOO_4LW_COMMANDS_WHITELIST=srvr,ruok,mntr"
                + " -e ZOO_ADMINSERVER_ENABLED=false"
                + " -e ZOO_SERVERS=" + quote(servers.toString())
                + " " + quote(spec.image()) + "\n";
    }

    /** Single-quotes a word for /bin/sh. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
