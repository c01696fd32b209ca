package io.infrakit.plugins.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;
import io.infrakit.plugins.spi.PluginException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The networks a container joins: found by name, or created (attachable, with the attachment's driver) as
 * InfraKit's Docker plugin does. A pet whose logical ID is an IPv4 address inside a network's subnet gets that
 * address there, the way the Vagrant plugin gives a pet its logical ID as its private IP.
 */
final class Networks {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final DockerClient docker;

    Networks(DockerClient docker) {
        this.docker = docker;
    }

    List<ContainerRequest.Network> resolve(List<DockerProperties.NetworkAttachment> attachments, String logicalId) {
        List<ContainerRequest.Network> resolved = new ArrayList<>();
        for (DockerProperties.NetworkAttachment a : attachments) {
            Network network = findOrCreate(a);
            String address = null;
            if (logicalId != null && IPV4.matcher(logicalId).matches() && network.getIpam() != null
                    && network.getIpam().getConfig() != null) {
                for (Network.Ipam.Config c : network.getIpam().getConfig()) {
                    if (c.getSubnet() != null && inSubnet(logicalId, c.getSubnet())) {
                        address = logicalId;
                    }
                }
            }
            resolved.add(new ContainerRequest.Network(network.getName(), address));
        }
        return resolved;
    }

    void connect(ContainerRequest.Network network, String containerId) {
        ContainerNetwork endpoint = new ContainerNetwork();
        if (network.ipv4Address() != null) {
            endpoint.withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(network.ipv4Address()));
        }
        docker.connectToNetworkCmd().withNetworkId(network.name()).withContainerId(containerId)
                .withContainerNetwork(endpoint).exec();
    }

    private Network findOrCreate(DockerProperties.NetworkAttachment a) {
        try {
            List<Network> found = new ArrayList<>();
            for (Network n : docker.listNetworksCmd().withNameFilter(a.name()).exec()) {
                if (n.getName().equals(a.name()) && (a.driver().isEmpty() || a.driver().equals(n.getDriver()))) {
                    found.add(n);
                }
            }
            if (found.size() > 1) {
                throw new PluginException("too many (" + found.size() + ") networks found with name " + a.name());
            }
            if (found.size() == 1) {
                return found.get(0);
            }
            var create = docker.createNetworkCmd().withName(a.name()).withAttachable(true).withCheckDuplicate(true);
            if (!a.driver().isEmpty()) {
                create.withDriver(a.driver());
            }
            String id = create.exec().getId();
            return docker.inspectNetworkCmd().withNetworkId(id).exec();
        } catch (DockerException e) {
            throw new PluginException("docker: network " + a.name() + ": " + e.getMessage(), e);
        }
    }

    /** Whether an IPv4 address lies in a CIDR subnet ("172.30.0.0/24"). */
    static boolean inSubnet(String address, String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0 || !IPV4.matcher(address).matches() || !IPV4.matcher(cidr.substring(0, slash)).matches()) {
            return false;
        }
        int bits = Integer.parseInt(cidr.substring(slash + 1));
        int mask = bits == 0 ? 0 : -1 << (32 - bits);
        return (toInt(address) & mask) == (toInt(cidr.substring(0, slash)) & mask);
    }

    private static int toInt(String ipv4) {
        try {
            byte[] b = InetAddress.getByName(ipv4).getAddress();
            return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ipv4, e);
        }
    }
}
