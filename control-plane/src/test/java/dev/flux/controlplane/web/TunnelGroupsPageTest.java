package dev.flux.controlplane.web;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.flux.controlplane.tunnel.NewTunnel;
import dev.flux.controlplane.tunnel.Tunnel;
import dev.flux.controlplane.tunnel.TunnelCatalog;
import dev.flux.controlplane.tunnel.TunnelType;
import dev.flux.controlplane.user.Role;
import dev.flux.controlplane.user.User;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpSession;

/** Load-balancing groups on the tunnels pages: the group's name, never its key. */
class TunnelGroupsPageTest extends WebTestSupport {

    @Autowired
    TunnelCatalog catalog;

    @Test
    void theListAndTheTunnelPageShowTheGroup() throws Exception {
        User paul = newUser("paul", Role.USER);
        Tunnel web = catalog.create(paul.id(), new NewTunnel("web-1", TunnelType.HTTP, "localhost:8080", "paulshop",
                null, null, null, null, null, null, null, null, null, null, null, null, "paulshop", "the-key"));
        catalog.create(paul.id(), new NewTunnel("solo", TunnelType.HTTP, "localhost:8081", null, null, null, null,
                null));
        MockHttpSession session = signIn("paul", PASSWORD);
        mvc.perform(get("/tunnels").session(session)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("<th>Group</th>")))
                .andExpect(content().string(Matchers.containsString("<td class=\"group\">paulshop</td>")))
                .andExpect(content().string(Matchers.containsString("<td class=\"group\">-</td>")))
                .andExpect(content().string(Matchers.not(Matchers.containsString("the-key"))));
        mvc.perform(get("/tunnels/" + web.id()).session(session)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("<dt>Group</dt>")))
                .andExpect(content().string(Matchers.containsString(">paulshop</dd>")));
    }
}
