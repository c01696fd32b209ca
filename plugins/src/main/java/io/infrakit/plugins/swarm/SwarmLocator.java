package io.infrakit.plugins.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.SwarmNode;
import io.infrakit.plugins.spi.Allocation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Finds the swarm a group's instances belong to. {@code Docker.Host} is asked first. When it holds no swarm that can
 * be joined (its machine is the one being replaced, say), the other managers' engines are asked, all at once: each
 * pet's at its logical ID ({@code Docker.Host} with the logical ID as its host, same port and TLS), then every
 * manager address this flavor has heard of for that {@code Docker.Host} (the swarm's managers its engines listed).
 * So a replaced seed finds the swarm the other managers kept, and joins it instead of starting a second one.
 */
final class SwarmLocator implements AutoCloseable {

    /** How long the other engines may take to answer; one that does not counts as unreachable. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    /** One engine's answer. */
    record Answer(SwarmSpec.Docker engine, SwarmState state) {
        @Override
        public String toString() {
            return DockerConnections.describe(engine) + ": " + state.summary();
        }
    }

    /** Every engine asked, {@code Docker.Host} first. */
    record Answers(List<Answer> all) {
        Answers {
            all = List.copyOf(all);
        }

        /** The configured engine's answer. */
        Answer first() {
            return all.get(0);
        }

        /** The first engine through which a node can join: a manager of a swarm that gave tokens. */
        Optional<Answer> joinable() {
            return all.stream().filter(a -> a.state().joinable()).findFirst();
        }

        /**
         * Whether a seed may start a swarm: every engine asked is either unreachable or in no swarm at all. One that
         * is in a swarm it cannot use now (locked, pending, without quorum) still forbids it.
         */
        boolean noSwarmAnywhere() {
            return all.stream().allMatch(a -> a.state().canInitialise());
        }

        /** The engines asked besides the configured one and what they said, for messages; empty when none. */
        String others() {
            return all.size() < 2 ? "" : all.subList(1, all.size()).stream().map(Answer::toString)
                    .collect(Collectors.joining("; ", " (also asked: ", ")"));
        }
    }

    private final DockerConnections docker;
    /** Manager addresses heard of, per configured engine: the hosts of {@code RemoteManagers} and of node listings. */
    private final Map<SwarmSpec.Docker, Set<String>> heardOf = new ConcurrentHashMap<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "swarm-locator");
        t.setDaemon(true);
        return t;
    });

    SwarmLocator(DockerConnections docker) {
        this.docker = docker;
    }

    /**
     * Asks {@code Docker.Host}, and the group's other managers when it holds no joinable swarm.
     *
     * @param own    the logical ID of the instance being prepared (its own engine is no witness), or null
     * @param atOnce ask every engine at once rather than {@code Docker.Host} first: for pets, whose engines are
     *               few and may be machines being (re)created (an address nobody holds takes seconds to fail), and
     *               a seed must hear from all of them before it may start a swarm
     */
    Answers locate(SwarmSpec spec, Allocation allocation, String own, boolean atOnce) {
        SwarmSpec.Docker configured = spec.docker();
        List<SwarmSpec.Docker> engines = new ArrayList<>();
        engines.add(configured);
        engines.addAll(others(configured, allocation, own));
        if (!atOnce) {
            Answer first = ask(configured, configured);
            if (first.state().joinable()) {
                return new Answers(List.of(first));
            }
            List<Answer> answers = new ArrayList<>(List.of(first));
            answers.addAll(askAll(configured, engines.subList(1, engines.size())));
            return new Answers(answers);
        }
        return new Answers(askAll(configured, engines));
    }

    /** Asks the engines at once; one that does not answer within {@link #ANSWER_TIMEOUT} counts as unreachable. */
    private List<Answer> askAll(SwarmSpec.Docker configured, List<SwarmSpec.Docker> engines) {
        List<CompletableFuture<Answer>> asked = new ArrayList<>();
        for (SwarmSpec.Docker engine : engines) {
            asked.add(CompletableFuture.supplyAsync(() -> ask(configured, engine), pool));
        }
        List<Answer> answers = new ArrayList<>();
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        for (int i = 0; i < asked.size(); i++) {
            answers.add(await(asked.get(i), engines.get(i), deadline));
        }
        return answers;
    }

    /** The swarm's nodes, and the client of the manager that listed them. */
    record Listing(DockerClient client, List<SwarmNode> nodes) {
    }

    /**
     * The swarm's nodes as {@code Docker.Host} lists them, else (its machine is down, say) as another manager the
     * locator finds lists them.
     *
     * @throws RuntimeException Docker.Host's failure, when no other manager answers either
     */
    Listing listNodes(SwarmSpec spec, Allocation allocation) {
        DockerClient configured = docker.client(spec.docker());
        try {
            return new Listing(configured, configured.listSwarmNodesCmd().exec());
        } catch (RuntimeException e) {
            SwarmSpec.Docker other = new Answers(askAll(spec.docker(), others(spec.docker(), allocation, null)))
                    .joinable().map(Answer::engine).orElseThrow(() -> e);
            DockerClient client = docker.client(other);
            return new Listing(client, client.listSwarmNodesCmd().exec());
        }
    }

    /** Records manager addresses ({@code host:port} or hosts) of the swarm reached through {@code configured}. */
    void heardOf(SwarmSpec.Docker configured, Collection<String> managerAddrs) {
        Set<String> hosts = heardOf.computeIfAbsent(configured, k -> new CopyOnWriteArraySet<>());
        for (String addr : managerAddrs) {
            String host = hostOf(addr);
            if (host != null) {
                hosts.add(host);
            }
        }
    }

    /**
     * The other engines worth asking: each pet's but {@code own}, then those heard of, without repeats and without
     * the configured one. None when {@code Docker.Host} is not a network address.
     */
    List<SwarmSpec.Docker> others(SwarmSpec.Docker configured, Allocation allocation, String own) {
        Set<String> hosts = new LinkedHashSet<>();
        if (allocation != null && allocation.logicalIds() != null) {
            allocation.logicalIds().stream().filter(id -> !id.equals(own)).forEach(hosts::add);
        }
        hosts.addAll(heardOf.getOrDefault(configured, Set.of()));
        if (own != null) {
            hosts.remove(own);
        }
        Map<String, SwarmSpec.Docker> engines = new LinkedHashMap<>();
        for (String host : hosts) {
            SwarmSpec.Docker engine = configured.atHost(host);
            if (engine != null && !engine.equals(configured)) {
                engines.putIfAbsent(engine.host(), engine);
            }
        }
        return List.copyOf(engines.values());
    }

    private Answer ask(SwarmSpec.Docker configured, SwarmSpec.Docker engine) {
        SwarmState state = SwarmState.read(docker.client(engine));
        if (!state.managers().isEmpty()) {
            heardOf(configured, state.managers());
        }
        return new Answer(engine, state);
    }

    private static Answer await(CompletableFuture<Answer> answer, SwarmSpec.Docker engine, long deadline) {
        try {
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            return new Answer(engine, SwarmState.unreachable("no answer within " + ANSWER_TIMEOUT.toSeconds() + " s"));
        } catch (ExecutionException e) {
            return new Answer(engine, SwarmState.unreachable(String.valueOf(e.getCause())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(engine, SwarmState.unreachable("interrupted"));
        }
    }

    /** {@code 10.0.0.1:2377} → {@code 10.0.0.1}, {@code [fd00::1]:2377} → {@code fd00::1}; a bare host as is. */
    static String hostOf(String addr) {
        if (addr == null || addr.isBlank()) {
            return null;
        }
        if (addr.startsWith("[")) {
            int end = addr.indexOf(']');
            return end < 0 ? null : addr.substring(1, end);
        }
        int colon = addr.lastIndexOf(':');
        return colon < 0 || addr.indexOf(':') != colon ? addr : addr.substring(0, colon);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
