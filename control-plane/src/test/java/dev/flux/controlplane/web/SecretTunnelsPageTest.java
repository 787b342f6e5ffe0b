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
import java.util.List;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpSession;

/** Secret tunnels on the tunnels pages: their type and the command visitors run, never a secret. */
class SecretTunnelsPageTest extends WebTestSupport {

    @Autowired
    TunnelCatalog catalog;

    @Test
    void theListAndTheTunnelPageSayHowToVisit() throws Exception {
        User nina = newUser("nina", Role.USER);
        Tunnel db = catalog.create(nina.id(), new NewTunnel("db", TunnelType.STCP, "localhost:5432", null, null,
                null, null, null, null, null, null, null, null, null, List.of("otto")));
        MockHttpSession session = signIn("nina", PASSWORD);
        mvc.perform(get("/tunnels").session(session)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("<td>stcp</td>")))
                .andExpect(content().string(Matchers.containsString(
                        "visit with: fluxctl visit nina/db --secret SECRET")));
        mvc.perform(get("/tunnels/" + db.id()).session(session)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("<dt>Visitors</dt>")))
                .andExpect(content().string(Matchers.containsString("fluxctl visit nina/db")));
    }
}
