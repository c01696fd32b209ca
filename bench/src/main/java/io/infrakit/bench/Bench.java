package io.infrakit.bench;

import java.util.Arrays;

/** Entry point: {@code java -jar bench/target/infrakit-bench.jar SCENARIO [options]}. */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "failover" -> FailoverBench.run(Options.parse(rest));
            case "latency" -> LatencyBench.putToProvision(Options.parse(rest));
            case "heal" -> LatencyBench.heal(Options.parse(rest));
            case "heal-docker" -> DockerHealBench.run(Options.parse(rest));
            case "heal-qemu" -> QemuHealBench.run(Options.parse(rest));
            case "terraform" -> ToolBench.terraform(Options.parse(rest));
            case "vagrant" -> ToolBench.vagrant(Options.parse(rest));
            case "scale" -> ScaleBench.run(Options.parse(rest));
            case "resync" -> ResyncBench.run(Options.parse(rest));
            case "roll" -> RollBench.run(Options.parse(rest));
            case "churn" -> ChurnBench.run(Options.parse(rest));
            case "rpc" -> RpcBench.run(Options.parse(rest));
            case "chaos" -> {
                Options o = Options.parse(rest);
                io.infrakit.bench.chaos.ChaosBench.main(o.values(), o.quick());
            }
            case "footprint" -> FootprintBench.run(Options.parse(rest));
            case "describe" -> DescribeBench.run(Options.parse(rest));
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("""
                usage: java -jar bench/target/infrakit-bench.jar SCENARIO [--quick] [--key value ...]
                scenarios:
                  failover   kill -9 / SIGTERM of the leader among 3 replica processes; times to the new
                             leader's first reconcile (--kills 30 --terms 10 --ttl 5 --replicas 3)
                  latency    raw etcd put of a spec → first Provision (--n 300)
                  heal       instance lost → replacement Provision, in-memory and file plugins (--n 200)
                  heal-docker  docker kill of a container → replacement Provision and running again, docker
                             plugin (--n 30 --image infrakit-test/busybox:2 --host $DOCKER_HOST)
                  heal-qemu  the qemu tutorial's 2 VMs: spec put → booted, kill -9 of a VM → replacement
                             booted, QEMU's RSS (--n 5 --guest /tmp/infrakit-qemu-guest)
                  terraform  spec put → instance running, and removal by hand (tofu destroy -target) →
                             replacement running, OpenTofu making containers (--n 20 --size 1 --tofu tofu
                             --image infrakit-test/busybox:2 --host $DOCKER_HOST)
                  vagrant    the same with Vagrant's docker provider; removal is docker rm -f of the machine's
                             container (--n 5 --size 1 --vagrant vagrant --status-interval 30)
                  scale      one group 0 → N instances, in-memory plugin (--instances 10000 --rounds 3)
                  resync     G groups × I instances: heap, idle CPU, full resync, etcd writes and requests
                             (--groups 10,100,1000 --instances 100 [--profile out.jfr])
                  roll       a rolling update of N instances with an always-healthy flavor (--instances 100)
                  churn      spec updates at a fixed rate over many groups; reconcile lag (--groups 200
                             --rate 200 --seconds 30)
                  rpc        a plugin call (DescribeInstances) over a Unix socket: latency, then throughput
                             with several callers (--n 20000 --threads 4)
                  chaos      the reliability lab, as root: 3 etcd members and 3 replicas in network namespaces;
                             the leader partitioned (symmetric, asymmetric), etcd's raft leader deaf, latency and
                             loss, etcd out of space; invariants checked from the plugin's record of every call
                             (--ttl 5 --latency-seconds 60 --space true --keep false); with --duration 15m
                             the bounded chaos run: random faults (also SIGSTOP of the leader, etcd member
                             restarts, kill -9 of replicas) every few seconds while groups change (--seed N)
                  footprint  ./infrakit up beside InfraKit v0.5's Go programs (bench/infrakit-go.sh): start →
                             watching, commit → first instance file, RSS and steady CPU at G × I (--groups 10
                             --instances 50 --rounds 3 --settle 20 --seconds 60 --go DIR --only operator|infrakit
                             --launcher ./infrakit --java-opts OPTS --nmt FILE (and a class histogram) --cds off --keep true;
                             --all-at-once true: all groups committed together, time to all instances,
                             --converge-timeout 3600 --progress 30)
                  describe   the file plugin's DescribeInstances for one group among N instance files: first
                             call, steady calls, calls right after a hand delete (--files 10000,100000
                             --group 100 --n 300)
                The operator jar is taken from operator/target/infrakit.jar (--jar PATH to change).""");
        System.exit(2);
    }
}
