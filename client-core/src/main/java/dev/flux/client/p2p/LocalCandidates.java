package dev.flux.client.p2p;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host candidates of a punch socket bound to the wildcard address: every address of every interface that is up
 * and not loopback, IPv4 and (on a dual-stack socket) IPv6, each with the socket's port. The node puts the address
 * it observed (the NAT's mapping) in front of these; the other end punches them all at once and the first authentic
 * answer wins, so an address that routes nowhere from there costs a few datagrams and nothing else.
 *
 * <p>Left out: loopback, link-local (an IPv6 one needs a zone the other host cannot know; 169.254/16 is a
 * fallback, not a network), multicast and wildcard addresses.
 */
final class LocalCandidates {

    private static final Logger log = LoggerFactory.getLogger(LocalCandidates.class);
    /** At most this many host candidates, so that a host with many interfaces does not flood the other end. */
    static final int MAX = 12;

    private LocalCandidates() {
    }

    /**
     * @param first the address the agent reaches the node from: listed first, as the likeliest to route
     * @param port the punch socket's port
     * @param ipv6 whether the socket can send IPv6 (dual-stack); IPv4 addresses are listed either way
     */
    static List<String> gather(InetAddress first, int port, boolean ipv6) {
        List<InetAddress> addresses = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && !nif.isLoopback()) {
                    addresses.addAll(Collections.list(nif.getInetAddresses()));
                }
            }
        } catch (SocketException e) {
            log.debug("cannot list the network interfaces ({}); only {} is a candidate", e.getMessage(), first);
        }
        return of(first, addresses, port, ipv6);
    }

    /** The candidates among {@code addresses}, {@code first} (when usable) in front; no duplicates. */
    static List<String> of(InetAddress first, List<InetAddress> addresses, int port, boolean ipv6) {
        Set<String> out = new LinkedHashSet<>();
        List<InetAddress> all = new ArrayList<>();
        if (first != null) {
            all.add(first);
        }
        all.addAll(addresses);
        for (InetAddress a : all) {
            if (out.size() >= MAX) {
                log.debug("more than {} local addresses; the rest are not offered as peer-to-peer candidates", MAX);
                break;
            }
            if (usable(a, ipv6)) {
                out.add(format(a, port));
            }
        }
        return List.copyOf(out);
    }

    static boolean usable(InetAddress a, boolean ipv6) {
        if (a == null || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isMulticastAddress()
                || a.isAnyLocalAddress()) {
            return false;
        }
        return a instanceof Inet4Address || (ipv6 && a instanceof Inet6Address);
    }

    /** {@code host:port}, an IPv6 host in brackets. */
    static String format(InetAddress a, int port) {
        String host = a.getHostAddress();
        if (a instanceof Inet6Address) {
            int zone = host.indexOf('%');
            return "[" + (zone < 0 ? host : host.substring(0, zone)) + "]:" + port;
        }
        return host + ":" + port;
    }
}
