package dev.flux.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.flux.controlplane.node.NodeRepository;
import dev.flux.controlplane.reservation.ReservationRepository;
import dev.flux.controlplane.user.Role;
import dev.flux.controlplane.user.User;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;

/** The reservation and node pages, through MockMvc. */
class PagesTest extends WebTestSupport {

    @Autowired
    ReservationRepository reservations;
    @Autowired
    NodeRepository nodes;

    @Test
    void aUserReservesAndReleasesAddresses() throws Exception {
        User lena = newUser("lena", Role.USER);
        newUser("mike", Role.USER);
        MockHttpSession session = signIn("lena", PASSWORD);
        MvcResult reserved = mvc.perform(post("/reservations").session(session).with(csrf())
                        .param("kind", "subdomain").param("value", "lena-demo"))
                .andExpect(redirectedUrl("/reservations")).andReturn();
        assertThat(reserved.getFlashMap().get("notice")).isEqualTo("subdomain 'lena-demo' is reserved");
        mvc.perform(get("/reservations").session(session)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("lena-demo")));
        long id = reservations.findAll(lena.id()).get(0).id();

        // taken by someone else: the API's sentence on the page
        MockHttpSession mike = signIn("mike", PASSWORD);
        MvcResult taken = mvc.perform(post("/reservations").session(mike).with(csrf())
                .param("kind", "subdomain").param("value", "lena-demo")).andReturn();
        assertThat(taken.getFlashMap().get("error")).isEqualTo("subdomain 'lena-demo' is taken");
        mvc.perform(post("/reservations/" + id + "/delete").session(mike).with(csrf()))
                .andExpect(status().isNotFound());
        MvcResult badKind = mvc.perform(post("/reservations").session(mike).with(csrf())
                .param("kind", "castle")).andReturn();
        assertThat((String) badKind.getFlashMap().get("error")).startsWith("kind 'castle' does not exist");

        mvc.perform(post("/reservations/" + id + "/delete").session(session).with(csrf()))
                .andExpect(redirectedUrl("/reservations"));
        assertThat(reservations.findAll(lena.id())).isEmpty();
    }

    @Test
    void anAdministratorRegistersANodeAndSeesItsCredentialOnce() throws Exception {
        newUser("root3", Role.ADMIN);
        MockHttpSession admin = signIn("root3", PASSWORD);
        MvcResult registered = mvc.perform(post("/nodes").session(admin).with(csrf()).param("name", "eu9")
                        .param("publicHost", "eu9.example.com").param("portMin", "21000").param("portMax", "21999"))
                .andExpect(redirectedUrl("/nodes")).andReturn();
        String credential = (String) registered.getFlashMap().get("credential");
        assertThat(credential).startsWith("flx_");
        assertThat(nodes.findByName("eu9")).isPresent();
        mvc.perform(get("/nodes").session(admin)).andExpect(status().isOk()) // the page right after: shown once
                .andExpect(content().string(Matchers.containsString(credential)));
        mvc.perform(get("/nodes").session(admin)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("eu9.example.com")))
                .andExpect(content().string(Matchers.containsString("21000-21999")))
                .andExpect(content().string(Matchers.not(Matchers.containsString(credential))));
        MvcResult invalid = mvc.perform(post("/nodes").session(admin).with(csrf()).param("name", "eu10")
                .param("publicHost", "not a host")).andReturn();
        assertThat(invalid.getFlashMap().get("error")).isEqualTo("publicHost: 'not a host' is not a host name");
    }
}
