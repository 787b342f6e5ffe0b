package dev.flux.protocol.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A tunnel's IP access control: allow and deny lists of CIDR blocks ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or
 * single addresses. A visitor is admitted when no deny block contains its address and, if there is an allow list,
 * an allow block does. IPv4-mapped IPv6 visitors ({@code ::ffff:1.2.3.4}) are matched as IPv4.
 */
public final class AddressRules {

    /** No lists: everyone is admitted. */
    public static final AddressRules ADMIT_ALL = new AddressRules(List.of(), List.of());

    private final List<Block> allow;
    private final List<Block> deny;

    private AddressRules(List<Block> allow, List<Block> deny) {
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
    }

    /**
     * Parses both lists.
     *
     * @throws IllegalArgumentException naming the first entry that is not an address or CIDR block
     */
    public static AddressRules of(List<String> allow, List<String> deny) {
        if (allow.isEmpty() && deny.isEmpty()) {
            return ADMIT_ALL;
        }
        return new AddressRules(parseAll(allow), parseAll(deny));
    }

    private static List<Block> parseAll(List<String> entries) {
        List<Block> blocks = new ArrayList<>(entries.size());
        for (String entry : entries) {
            blocks.add(Block.parse(entry));
        }
        return blocks;
    }

    public boolean admitsEveryone() {
        return allow.isEmpty() && deny.isEmpty();
    }

    /** Whether a visitor from {@code address} may use the tunnel. */
    public boolean admits(InetAddress address) {
        byte[] bytes = canonical(address);
        for (Block block : deny) {
            if (block.contains(bytes)) {
                return false;
            }
        }
        if (allow.isEmpty()) {
            return true;
        }
        for (Block block : allow) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** The lists as written in configuration, for logs. */
    @Override
    public String toString() {
        return "allow " + allow + " deny " + deny;
    }

    /** IPv4 addresses as 4 bytes, IPv4-mapped IPv6 addresses too; other IPv6 addresses as 16. */
    private static byte[] canonical(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 16 && isV4Mapped(raw)) {
            byte[] v4 = new byte[4];
            System.arraycopy(raw, 12, v4, 0, 4);
            return v4;
        }
        return raw;
    }

    private static boolean isV4Mapped(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return raw[10] == (byte) 0xFF && raw[11] == (byte) 0xFF;
    }

    private record Block(byte[] network, int prefix, String text) {

        static Block parse(String entry) {
            String value = Objects.requireNonNull(entry, "entry").strip();
            int slash = value.indexOf('/');
            String host = slash < 0 ? value : value.substring(0, slash);
            if (host.isEmpty() || !host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
                // Never a DNS lookup: only literal addresses are accepted.
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block "
                        + "(expected e.g. 10.0.0.0/8, 192.168.1.7 or 2001:db8::/32)");
            }
            byte[] address;
            try {
                address = canonical(InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block "
                        + "(expected e.g. 10.0.0.0/8, 192.168.1.7 or 2001:db8::/32)", e);
            }
            int bits = address.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(value.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("'" + entry + "': the prefix length must be 0-" + bits
                            + " for an " + (bits == 32 ? "IPv4" : "IPv6") + " address");
                }
            }
            return new Block(mask(address, prefix), prefix, value);
        }

        boolean contains(byte[] address) {
            return address.length == network.length && Arrays.equals(mask(address, prefix), network);
        }

        private static byte[] mask(byte[] address, int prefix) {
            byte[] out = address.clone();
            for (int i = 0; i < out.length; i++) {
                int keep = Math.max(0, Math.min(8, prefix - i * 8));
                out[i] &= (byte) (0xFF << (8 - keep));
            }
            return out;
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Block b && prefix == b.prefix && Arrays.equals(network, b.network);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(network) + prefix;
        }
    }
}
