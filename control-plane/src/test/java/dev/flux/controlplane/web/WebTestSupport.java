package dev.flux.controlplane.web;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.flux.controlplane.testing.TestPostgres;
import dev.flux.controlplane.user.Role;
import dev.flux.controlplane.user.User;
import dev.flux.controlplane.user.UserRepository;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * The one application context of the web UI's tests (MockMvc and the browser test share it, so it starts once): the
 * whole control plane on a random port over a real PostgreSQL database. The first administrator belongs to the
 * browser test; the other tests make their own users.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "flux.control-plane.admin.initial-password=" + WebTestSupport.ADMIN_FIRST_PASSWORD)
@AutoConfigureMockMvc
abstract class WebTestSupport {

    static final String ADMIN_FIRST_PASSWORD = "one-time-pass-1";
    static final String PASSWORD = "a long enough password";
    private static final String DATABASE = TestPostgres.newDatabase("web");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE);
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    UserRepository users;
    @Autowired
    PasswordEncoder encoder;

    /** A user with {@link #PASSWORD} who need not change it. */
    User newUser(String username, Role role) {
        User user = users.insertIfAbsent(username, encoder.encode(PASSWORD), role, 10, 5).orElseThrow();
        users.setPassword(user.id(), user.passwordHash(), false);
        return users.findById(user.id()).orElseThrow();
    }

    MvcResult signInResult(String username, String password) throws Exception {
        return mvc.perform(post("/sign-in").param("username", username).param("password", password).with(csrf()))
                .andReturn();
    }

    /** Signs in through the form and returns the session. */
    MockHttpSession signIn(String username, String password) throws Exception {
        MvcResult result = signInResult(username, password);
        if (result.getResponse().getRedirectedUrl() == null
                || result.getResponse().getRedirectedUrl().contains("/sign-in")) {
            throw new AssertionError("sign-in of " + username + " failed: " + result.getResponse().getRedirectedUrl());
        }
        return (MockHttpSession) result.getRequest().getSession(false);
    }
}
