package dev.flux.node.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flux.protocol.control.TunnelPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The control plane's stored policy wins over what the agent asked for; so does its stored group, where it sends one
 * (else the agent's group stays).
 */
class GrantedPolicyTest {

    final ObjectMapper json = new ObjectMapper();
    final TunnelPolicy asked = new TunnelPolicy(List.of(), List.of(), 0, 0, "web", "key");

    @Test
    void storedListsAndLimitsReplaceTheAgents() throws Exception {
        TunnelPolicy p = ControlPlaneLink.policy(asked, json.readTree("""
                {"allowIps":["10.0.0.0/8"],"denyIps":["10.9.0.0/16"],"proxyProtocol":"v2",
                 "bandwidthLimit":2097152,"maxConnections":20}"""));
        assertThat(p).isEqualTo(new TunnelPolicy(List.of("10.0.0.0/8"), List.of("10.9.0.0/16"), 2097152, 20, "web",
                "key"));
    }

    @Test
    void anOlderControlPlaneWithoutPoliciesLeavesTheAgentsPolicy() throws Exception {
        assertThat(ControlPlaneLink.policy(asked, json.readTree("{\"tunnelId\":1}").path("policies")))
                .isSameAs(asked);
    }

    @Test
    void theStoredGroupAndItsKeyHashReplaceTheAgents() throws Exception {
        TunnelPolicy p = ControlPlaneLink.group(asked, json.readTree("""
                {"tunnelId":1,"group":"shop","groupKeyHash":"sha256:00ff"}"""));
        assertThat(p).isEqualTo(new TunnelPolicy(List.of(), List.of(), 0, 0, "shop", "sha256:00ff"));
        assertThat(ControlPlaneLink.group(asked, json.readTree("{\"tunnelId\":1}"))).isSameAs(asked);
    }
}
