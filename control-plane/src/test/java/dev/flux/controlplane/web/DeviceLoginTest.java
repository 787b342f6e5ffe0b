package dev.flux.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.flux.controlplane.audit.AuditEvent;
import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.token.ApiToken;
import dev.flux.controlplane.token.ApiTokenRepository;
import dev.flux.controlplane.user.Role;
import dev.flux.controlplane.user.User;
import java.util.ArrayList;
import java.util.List;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.ResultActions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Device login (contract D): authorize, poll, approve on the page, exchange once, use the token. */
class DeviceLoginTest extends WebTestSupport {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    ApiTokenRepository tokens;
    @Autowired
    AuditLog audit;
    @Autowired
    JdbcClient jdbc;

    @Test
    void aDeviceGetsATokenOnceTheUserApproves() throws Exception {
        User ivan = newUser("ivan", Role.USER);
        JsonNode started = json(mvc.perform(post("/api/v1/device/authorize").contentType("application/json")
                        .content("{\"clientName\":\"fluxctl on ivans-laptop\"}"))
                .andExpect(status().isOk()));
        String deviceCode = started.path("deviceCode").asString();
        String userCode = started.path("userCode").asString();
        assertThat(userCode).matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}");
        assertThat(started.path("verificationUri").asString()).isEqualTo("http://localhost/device");
        assertThat(started.path("verificationUriComplete").asString())
                .isEqualTo("http://localhost/device?code=" + userCode);
        assertThat(started.path("expiresIn").asInt()).isEqualTo(600);
        assertThat(started.path("interval").asInt()).isEqualTo(1);

        exchange(deviceCode).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("authorization_pending"));
        // polling faster than the interval is told to slow down (a poll that a busy machine delayed past half the
        // interval is answered "pending" again, so try a few back-to-back polls)
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 5 && !answers.contains("slow_down"); i++) {
            answers.add(json(exchange(deviceCode).andExpect(status().isBadRequest())).path("error").asString());
        }
        assertThat(answers).as("answers to back-to-back polls").contains("slow_down")
                .allMatch(a -> a.equals("slow_down") || a.equals("authorization_pending"));

        MockHttpSession session = signIn("ivan", PASSWORD);
        mvc.perform(get("/device").param("code", userCode.toLowerCase()).session(session))
                .andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("fluxctl on ivans-laptop")))
                .andExpect(content().string(Matchers.containsString(userCode)));
        mvc.perform(post("/device/approve").param("code", userCode).session(session))
                .andExpect(status().isForbidden()); // no CSRF token
        mvc.perform(post("/device/approve").param("code", userCode).session(session).with(csrf()))
                .andExpect(redirectedUrl("/device"));
        List<AuditEvent> approvals = audit.recent("ivan", "device.approve", 1);
        assertThat(approvals).hasSize(1);
        assertThat(approvals.get(0).target()).isEqualTo("fluxctl on ivans-laptop");

        Thread.sleep(600);
        JsonNode issued = json(exchange(deviceCode).andExpect(status().isOk()));
        assertThat(issued.path("username").asString()).isEqualTo("ivan");
        String token = issued.path("token").asString();
        assertThat(token).startsWith("flx_");
        mvc.perform(get("/api/v1/me").header("Authorization", "Bearer " + token))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.user.username").value("ivan"))
                .andExpect(jsonPath("$.scopes[0]").value("tunnels"));
        ApiToken stored = tokens.findAll(ivan.id()).get(0);
        assertThat(stored.name()).isEqualTo("fluxctl on ivans-laptop");
        assertThat(stored.scopes()).containsExactly("tunnels");

        Thread.sleep(600);
        exchange(deviceCode).andExpect(status().isBadRequest()).andExpect(jsonPath("$.error").value("expired_token"));
        // the code cannot be approved again either
        mvc.perform(get("/device").param("code", userCode).session(session))
                .andExpect(content().string(Matchers.containsString("there is no waiting request with the code")));
    }

    @Test
    void aDeniedRequestIsRefusedAndUnknownCodesAreExpired() throws Exception {
        newUser("judy", Role.USER);
        JsonNode started = json(mvc.perform(post("/api/v1/device/authorize").contentType("application/json")
                .content("{\"clientName\":\"fluxctl on judys-box\"}")));
        MockHttpSession session = signIn("judy", PASSWORD);
        mvc.perform(post("/device/deny").param("code", started.path("userCode").asString()).session(session)
                .with(csrf())).andExpect(redirectedUrl("/device"));
        exchange(started.path("deviceCode").asString()).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("access_denied"));
        exchange("fdc_unknown").andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("expired_token"));
        mvc.perform(post("/api/v1/device/authorize").contentType("application/json").content("{\"clientName\":\"\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("invalid_request"));
        mvc.perform(post("/device/approve").param("code", "BBBB-BBBB").session(session).with(csrf()))
                .andExpect(status().isNotFound())
                .andExpect(content().string(Matchers.containsString("codes last 10 minutes")));
    }

    @Test
    void codesExpireAfterTenMinutes() throws Exception {
        newUser("kim", Role.USER);
        JsonNode started = json(mvc.perform(post("/api/v1/device/authorize").contentType("application/json")
                .content("{\"clientName\":\"fluxctl on kims-pc\"}")));
        assertThat(jdbc.sql("SELECT abs(extract(epoch FROM expires_at - created_at) - 600) < 2 FROM device_codes "
                + "WHERE client_name = 'fluxctl on kims-pc'").query(Boolean.class).single()).isTrue();
        jdbc.sql("UPDATE device_codes SET expires_at = now() - interval '1 second' "
                + "WHERE client_name = 'fluxctl on kims-pc'").update();
        MockHttpSession session = signIn("kim", PASSWORD);
        String userCode = started.path("userCode").asString();
        mvc.perform(get("/device").param("code", userCode).session(session))
                .andExpect(content().string(Matchers.containsString("there is no waiting request with the code")));
        mvc.perform(post("/device/approve").param("code", userCode).session(session).with(csrf()))
                .andExpect(status().isNotFound());
        exchange(started.path("deviceCode").asString()).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("expired_token"));
    }

    private ResultActions exchange(String deviceCode) throws Exception {
        return mvc.perform(post("/api/v1/device/token").contentType("application/json")
                .content("{\"deviceCode\":\"" + deviceCode + "\"}"));
    }

    private static JsonNode json(ResultActions result) throws Exception {
        return JSON.readTree(result.andReturn().getResponse().getContentAsString());
    }
}
