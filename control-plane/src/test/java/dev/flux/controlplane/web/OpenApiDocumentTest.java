package dev.flux.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code /v3/api-docs} is open and lists every operation of every REST controller under /api/v1, nothing else. */
class OpenApiDocumentTest extends WebTestSupport {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void theDocumentCoversEveryApiOperation() throws Exception {
        String body = mvc.perform(get("/v3/api-docs")).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        JsonNode document = JsonMapper.builder().build().readTree(body);
        assertThat(document.path("openapi").asString()).startsWith("3.");

        Set<String> documented = new HashSet<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(op -> documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey())));
        Set<String> served = new HashSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            for (String pattern : info.getPatternValues()) {
                if (pattern.startsWith("/api/v1/")) {
                    for (RequestMethod verb : info.getMethodsCondition().getMethods()) {
                        served.add(verb.name() + " " + pattern);
                    }
                }
            }
        });
        assertThat(served).contains("POST /api/v1/device/authorize", "POST /api/v1/device/token",
                "GET /api/v1/tokens", "POST /api/v1/auth/token");
        assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
    }
}
