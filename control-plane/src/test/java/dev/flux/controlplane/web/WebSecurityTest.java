package dev.flux.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.flux.controlplane.audit.AuditEvent;
import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.security.Scope;
import dev.flux.controlplane.token.ApiTokenRepository;
import dev.flux.controlplane.token.CreatedToken;
import dev.flux.controlplane.token.TokenIssuer;
import dev.flux.controlplane.tunnel.TunnelRepository;
import dev.flux.controlplane.tunnel.TunnelType;
import dev.flux.controlplane.user.Role;
import dev.flux.controlplane.user.User;
import java.util.EnumSet;
import java.util.List;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;

/** Sign-in, lock-out, CSRF, the forced password change, and who may see which page, through MockMvc. */
class WebSecurityTest extends WebTestSupport {

    @Autowired
    AuditLog audit;
    @Autowired
    TokenIssuer issuer;
    @Autowired
    ApiTokenRepository tokens;
    @Autowired
    TunnelRepository tunnels;
    @Autowired
    JdbcClient jdbc;

    @Test
    void pagesNeedASignIn() throws Exception {
        mvc.perform(get("/tokens")).andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/sign-in"));
        // an htmx refresh of a signed-out page: the whole page goes to the sign-in, not the fragment
        mvc.perform(get("/tunnels/rows").header("HX-Request", "true")).andExpect(status().isUnauthorized())
                .andExpect(header().string("HX-Redirect", "/sign-in"));
        mvc.perform(get("/sign-in")).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("name=\"_csrf\"")));
        mvc.perform(get("/actuator/health")).andExpect(status().isOk());
    }

    @Test
    void aSignInIsAuditedWithTheClientAddress() throws Exception {
        newUser("carol", Role.USER);
        MvcResult result = signInResult("carol", PASSWORD);
        assertThat(result.getResponse().getRedirectedUrl()).isEqualTo("/");
        List<AuditEvent> events = audit.recent("carol", "sign-in", 1);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).ip()).isEqualTo("127.0.0.1");
        assertThat(events.get(0).detail()).containsEntry("via", "web");
        mvc.perform(get("/").session((MockHttpSession) result.getRequest().getSession(false)))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("nodes online")));
    }

    @Test
    void formsWithoutACsrfTokenAreRefused() throws Exception {
        newUser("dave", Role.USER);
        MockHttpSession session = signIn("dave", PASSWORD);
        mvc.perform(post("/tokens").param("name", "no-csrf").session(session))
                .andExpect(status().isForbidden())
                .andExpect(forwardedUrl("/forbidden"));
        mvc.perform(post("/tokens").param("name", "bad-csrf").session(session).with(csrf().useInvalidToken()))
                .andExpect(status().isForbidden());
        assertThat(tokens.findAll(users.findByUsername("dave").orElseThrow().id())).isEmpty();
        // and a sign-in without one does not sign in
        mvc.perform(post("/sign-in").param("username", "dave").param("password", PASSWORD))
                .andExpect(status().isForbidden());
    }

    @Test
    void fiveFailuresLockTheUsernameForFifteenMinutes() throws Exception {
        newUser("erin", Role.USER);
        for (int i = 0; i < 4; i++) {
            MvcResult failed = signInResult("erin", "wrong password " + i);
            assertThat(failed.getResponse().getRedirectedUrl()).isEqualTo("/sign-in?error");
            assertThat(failed.getRequest().getSession().getAttribute("flux.signInMessage"))
                    .isEqualTo("wrong username or password");
        }
        MvcResult fifth = signInResult("erin", "wrong password 5");
        assertThat((String) fifth.getRequest().getSession().getAttribute("flux.signInMessage"))
                .startsWith("too many failed sign-ins for 'erin': the account is locked; try again after ");
        // now even the right password is refused, with the time to retry on the sign-in page
        MvcResult locked = signInResult("erin", PASSWORD);
        assertThat(locked.getResponse().getRedirectedUrl()).isEqualTo("/sign-in?error");
        MockHttpSession lockedSession = (MockHttpSession) locked.getRequest().getSession(false);
        mvc.perform(get("/sign-in").param("error", "").session(lockedSession))
                .andExpect(content().string(Matchers.containsString("try again after")));
        // the REST sign-in shares the lock
        mvc.perform(post("/api/v1/auth/token").contentType("application/json")
                        .content("{\"username\":\"erin\",\"password\":\"" + PASSWORD + "\"}"))
                .andExpect(status().isTooManyRequests())
                .andExpect(content().string(Matchers.containsString("\"error\":\"account_locked\"")));
        List<AuditEvent> failures = audit.recent("erin", "sign-in.failed", 10);
        assertThat(failures).hasSizeGreaterThanOrEqualTo(6);
        assertThat(failures.get(failures.size() - 1).detail()).containsEntry("reason", "wrong credentials");
        assertThat(failures).anySatisfy(e -> assertThat(e.detail()).containsEntry("reason", "locked"));
        assertThat(failures).allSatisfy(e -> assertThat(e.ip()).isEqualTo("127.0.0.1"));
        // another username is not affected
        newUser("erin2", Role.USER);
        signIn("erin2", PASSWORD);
        // 15 minutes after the last failure the lock is gone
        jdbc.sql("UPDATE sign_in_failures SET at = at - interval '15 minutes 1 second' WHERE username = 'erin'")
                .update();
        signIn("erin", PASSWORD);
        assertThat(jdbc.sql("SELECT count(*) FROM sign_in_failures WHERE username = 'erin'").query(Long.class)
                .single()).isZero();
    }

    @Test
    void aOneTimePasswordMustBeChangedBeforeAnythingElse() throws Exception {
        User frank = newUser("frank", Role.USER);
        users.setPassword(frank.id(), encoder.encode("one-time-pw-frank"), true);
        MvcResult result = signInResult("frank", "one-time-pw-frank");
        assertThat(result.getResponse().getRedirectedUrl()).isEqualTo("/account/password");
        MockHttpSession session = (MockHttpSession) result.getRequest().getSession(false);
        for (String page : List.of("/", "/tokens", "/tunnels", "/device")) {
            mvc.perform(get(page).session(session)).andExpect(redirectedUrl("/account/password"));
        }
        mvc.perform(post("/tokens").param("name", "early").session(session).with(csrf()))
                .andExpect(redirectedUrl("/account/password"));
        mvc.perform(post("/account/password").session(session).with(csrf())
                        .param("currentPassword", "one-time-pw-frank").param("newPassword", "short")
                        .param("repeatPassword", "short"))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("the password has 5 characters; it needs at least 12")));
        mvc.perform(post("/account/password").session(session).with(csrf())
                        .param("currentPassword", "one-time-pw-frank").param("newPassword", "frank's own password")
                        .param("repeatPassword", "frank's own password"))
                .andExpect(redirectedUrl("/"));
        mvc.perform(get("/tokens").session(session)).andExpect(status().isOk());
        assertThat(users.findById(frank.id()).orElseThrow().mustChangePassword()).isFalse();
        assertThat(audit.recent("frank", "password.change", 1)).hasSize(1);
    }

    @Test
    void usersSeeOnlyTheirOwnTokensAndTunnelsAndNoAdminPages() throws Exception {
        User alice = newUser("alice", Role.USER);
        newUser("bob", Role.USER);
        CreatedToken aliceToken = issuer.issue(alice.id(), false, "alice-laptop", EnumSet.of(Scope.TUNNELS), null,
                "alice");
        long aliceTunnel = tunnels.insert(alice.id(), "alice-web", TunnelType.HTTP, "localhost:8080", "alice-web",
                null, null, null, null);
        MockHttpSession bob = signIn("bob", PASSWORD);

        mvc.perform(get("/tokens").session(bob)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.not(Matchers.containsString("alice-laptop"))));
        mvc.perform(post("/tokens/" + aliceToken.token().id() + "/revoke").session(bob).with(csrf()))
                .andExpect(status().isNotFound())
                .andExpect(content().string(Matchers.containsString("token " + aliceToken.token().id())));
        assertThat(tokens.findById(aliceToken.token().id()).orElseThrow().revokedAt()).isNull();

        mvc.perform(get("/tunnels").session(bob)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.not(Matchers.containsString("alice-web"))));
        mvc.perform(get("/tunnels/rows").session(bob)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.not(Matchers.containsString("alice-web"))));
        mvc.perform(get("/tunnels/" + aliceTunnel).session(bob)).andExpect(status().isNotFound());
        mvc.perform(post("/tunnels/" + aliceTunnel + "/delete").session(bob).with(csrf()))
                .andExpect(status().isNotFound());
        mvc.perform(post("/tunnels/" + aliceTunnel + "/disable").session(bob).with(csrf()))
                .andExpect(status().isNotFound());
        assertThat(tunnels.findById(aliceTunnel)).isPresent();

        for (String page : List.of("/users", "/nodes", "/audit")) {
            mvc.perform(get(page).session(bob)).andExpect(status().isForbidden());
        }
        mvc.perform(post("/users").param("username", "mallory").session(bob).with(csrf()))
                .andExpect(status().isForbidden());
        assertThat(users.findByUsername("mallory")).isEmpty();

        // alice sees and manages her own
        MockHttpSession aliceSession = signIn("alice", PASSWORD);
        mvc.perform(get("/tunnels/" + aliceTunnel).session(aliceSession)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("alice-web")));
        mvc.perform(post("/tokens/" + aliceToken.token().id() + "/revoke").session(aliceSession).with(csrf()))
                .andExpect(redirectedUrl("/tokens"));
        assertThat(tokens.findById(aliceToken.token().id()).orElseThrow().revokedAt()).isNotNull();
        mvc.perform(post("/tunnels/" + aliceTunnel + "/disable").session(aliceSession).with(csrf()))
                .andExpect(redirectedUrl("/tunnels"));
        assertThat(tunnels.findById(aliceTunnel).orElseThrow().enabled()).as("enabled after Disable").isFalse();
        assertThat(nodeEvents(aliceTunnel)).as("events for the nodes").containsExactly("tunnel_disabled");
        mvc.perform(get("/tunnels/rows").session(aliceSession))
                .andExpect(content().string(Matchers.containsString(">disabled<")))
                .andExpect(content().string(Matchers.containsString(">Enable<")));
        mvc.perform(post("/tunnels/" + aliceTunnel + "/enable").session(aliceSession).with(csrf()))
                .andExpect(redirectedUrl("/tunnels"));
        assertThat(tunnels.findById(aliceTunnel).orElseThrow().enabled()).as("enabled after Enable").isTrue();
        mvc.perform(post("/tunnels/" + aliceTunnel + "/kick").session(aliceSession).with(csrf()))
                .andExpect(redirectedUrl("/tunnels"));
        assertThat(nodeEvents(aliceTunnel)).containsExactly("tunnel_disabled", "tunnel_kicked");
        mvc.perform(post("/tunnels/" + aliceTunnel + "/delete").session(aliceSession).with(csrf()))
                .andExpect(redirectedUrl("/tunnels"));
        assertThat(tunnels.findById(aliceTunnel)).isEmpty();
        assertThat(nodeEvents(aliceTunnel)).containsExactly("tunnel_disabled", "tunnel_kicked", "tunnel_deleted");
    }

    /** The kinds of the node events about a tunnel, oldest first. */
    private List<String> nodeEvents(long tunnelId) {
        return jdbc.sql("SELECT kind FROM node_events WHERE tunnel_id = :id ORDER BY seq").param("id", tunnelId)
                .query(String.class).list();
    }

    @Test
    void anAdministratorManagesUsersAndSeesTheAuditLog() throws Exception {
        newUser("root2", Role.ADMIN);
        MockHttpSession admin = signIn("root2", PASSWORD);
        MvcResult created = mvc.perform(post("/users").session(admin).with(csrf()).param("username", "gina")
                        .param("role", "user").param("maxTunnels", "3"))
                .andExpect(redirectedUrl("/users")).andReturn();
        String oneTime = (String) created.getFlashMap().get("oneTimePassword");
        assertThat(oneTime).hasSize(20);
        User gina = users.findByUsername("gina").orElseThrow();
        assertThat(gina.maxTunnels()).isEqualTo(3);
        assertThat(gina.mustChangePassword()).isTrue();
        // a taken name comes back as a message on the page
        MvcResult taken = mvc.perform(post("/users").session(admin).with(csrf()).param("username", "gina"))
                .andExpect(redirectedUrl("/users")).andReturn();
        assertThat(taken.getFlashMap().get("error")).isEqualTo("username 'gina' is taken");
        MvcResult invalid = mvc.perform(post("/users").session(admin).with(csrf()).param("username", "Gina!"))
                .andReturn();
        assertThat((String) invalid.getFlashMap().get("error")).startsWith("username: use 1-64 lower-case letters");

        mvc.perform(post("/users/" + gina.id() + "/disable").session(admin).with(csrf()))
                .andExpect(redirectedUrl("/users"));
        assertThat(users.findById(gina.id()).orElseThrow().disabled()).isTrue();
        mvc.perform(post("/users/" + gina.id() + "/quotas").session(admin).with(csrf())
                .param("maxTunnels", "7").param("maxPorts", "2")).andExpect(redirectedUrl("/users"));
        assertThat(users.findById(gina.id()).orElseThrow().maxPorts()).isEqualTo(2);
        mvc.perform(get("/users").session(admin)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("gina")));
        mvc.perform(get("/audit").session(admin).param("actor", "root2").param("action", "user.update"))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("gina")))
                .andExpect(content().string(Matchers.not(Matchers.containsString("user.create"))));
        mvc.perform(get("/audit").session(admin).param("from", "2000-01-01").param("to", "2000-01-02"))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.not(Matchers.containsString("user.update"))));
        mvc.perform(get("/audit").session(admin).param("from", "yesterday"))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(Matchers.containsString("from: &#39;yesterday&#39; is not a valid value")));
    }

    @Test
    void aDisabledAccountIsSignedOutAtOnce() throws Exception {
        User hank = newUser("hank", Role.USER);
        MockHttpSession session = signIn("hank", PASSWORD);
        mvc.perform(get("/tokens").session(session)).andExpect(status().isOk());
        users.update(hank.id(), true, null, null, null);
        mvc.perform(get("/tokens").session(session)).andExpect(redirectedUrl("/sign-in?disabled"));
        MvcResult again = signInResult("hank", PASSWORD);
        assertThat(again.getRequest().getSession().getAttribute("flux.signInMessage"))
                .isEqualTo("the account 'hank' is disabled; ask an administrator");
        // without the password, a disabled account looks like any wrong guess
        MvcResult guess = signInResult("hank", "a wrong guess");
        assertThat(guess.getRequest().getSession().getAttribute("flux.signInMessage"))
                .isEqualTo("wrong username or password");
    }
}
