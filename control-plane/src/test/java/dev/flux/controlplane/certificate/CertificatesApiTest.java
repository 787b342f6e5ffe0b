package dev.flux.controlplane.certificate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.controlplane.testing.ApiClient;
import dev.flux.controlplane.testing.ApiClient.Response;
import dev.flux.controlplane.testing.TestPostgres;
import dev.flux.protocol.tls.NodeCertificate;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Certificates uploaded for custom domains, on a real PostgreSQL database: checked (parses, key matches, covers the
 * domain, valid now), stored for a domain the caller holds, listed without the key, and handed to the node with the
 * authorization of an https tunnel the node terminates on that domain.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "flux.control-plane.admin.initial-password=" + CertificatesApiTest.FIRST_PASSWORD)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificatesApiTest {

    static final String FIRST_PASSWORD = "first-start-password";
    private static final String DATABASE = TestPostgres.newDatabase("certificates");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE);
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
    }

    @LocalServerPort
    int port;

    private ApiClient api;
    private String admin;
    private String node;

    @BeforeAll
    void signIn() {
        api = new ApiClient(port);
        String password = "the admin's own password";
        admin = api.firstAdminToken(FIRST_PASSWORD, password, "certs");
        node = api.post("/api/v1/nodes", admin, Map.of("name", "edge", "publicHost", "127.0.0.1"))
                .text("credential");
    }

    @Test
    void aCertificateForAHeldDomainIsStoredListedWithoutItsKeyAndGivenToTheNode() {
        String ann = signUp("ann");
        NodeCertificate shop = NodeCertificate.generate(List.of("shop.example.com"));
        assertError(upload(ann, "shop.example.com", shop.certificatePem(), shop.privateKeyPem()), 422,
                "domain_not_yours");

        Response tunnel = api.post("/api/v1/tunnels", ann, Map.of("name", "shop", "type", "https",
                "localTarget", "localhost:8080", "customDomain", "shop.example.com", "tlsTermination", "node"));
        assertThat(tunnel.status()).as("%s", tunnel).isEqualTo(201);
        Response created = upload(ann, "Shop.Example.com", shop.certificatePem(), shop.privateKeyPem());
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.text("domain")).isEqualTo("shop.example.com");
        // generated test certificates name localhost too
        assertThat(created.body().path("dnsNames").toString()).isEqualTo("[\"shop.example.com\",\"localhost\"]");
        assertThat(created.text("fingerprint")).isEqualTo(shop.fingerprint().toString());
        assertThat(created.toString()).doesNotContain("PRIVATE KEY").doesNotContain("keyPem");
        JsonNode listed = api.get("/api/v1/certificates", ann).body();
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.toString()).doesNotContain("PRIVATE KEY");

        // someone else cannot take it over
        String bo = signUp("bo");
        NodeCertificate other = NodeCertificate.generate(List.of("shop.example.com"));
        assertError(upload(bo, "shop.example.com", other.certificatePem(), other.privateKeyPem()), 422,
                "domain_not_yours");
        assertThat(api.get("/api/v1/certificates", bo).body().size()).isZero();

        // the node terminating the tunnel gets chain and key
        JsonNode who = api.post("/node-api/v1/agents/verify", node, Map.of("token", ann)).body();
        Map<String, Object> body = new HashMap<>(Map.of("userId", who.path("userId").asLong(),
                "tokenId", who.path("tokenId").asLong(), "name", "shop", "type", "https",
                "localTarget", "localhost:8080"));
        Response authorized = api.post("/node-api/v1/tunnels/authorize", node, body);
        assertThat(authorized.status()).as("%s", authorized).isEqualTo(200);
        JsonNode certificate = authorized.body().path("certificate");
        assertThat(certificate.path("domain").asString()).isEqualTo("shop.example.com");
        assertThat(certificate.path("chainPem").asString()).isEqualTo(shop.certificatePem());
        assertThat(certificate.path("keyPem").asString()).isEqualTo(shop.privateKeyPem());

        // renewal replaces it; delete removes it
        NodeCertificate renewed = NodeCertificate.generate(List.of("*.example.com"));
        Response again = upload(ann, "shop.example.com", renewed.certificatePem(), renewed.privateKeyPem());
        assertThat(again.status()).as("%s", again).isEqualTo(201);
        assertThat(again.text("fingerprint")).isEqualTo(renewed.fingerprint().toString());
        assertThat(api.get("/api/v1/certificates", ann).body().size()).isEqualTo(1);
        assertThat(api.delete("/api/v1/certificates/" + again.body().path("id").asLong(), bo).status())
                .isEqualTo(404);
        assertThat(api.delete("/api/v1/certificates/" + again.body().path("id").asLong(), ann).status())
                .isEqualTo(204);
        assertThat(api.post("/node-api/v1/tunnels/authorize", node, body).body().has("certificate")).isFalse();
    }

    @Test
    void badCertificatesAreRefusedSayingWhatIsWrong() throws Exception {
        String cy = signUp("cy");
        assertThat(api.post("/api/v1/reservations", cy, Map.of("kind", "domain", "value", "cy.example.org"))
                .status()).isEqualTo(201);
        NodeCertificate good = NodeCertificate.generate(List.of("cy.example.org"));
        NodeCertificate stranger = NodeCertificate.generate(List.of("cy.example.org"));

        assertBadRequest(upload(cy, "cy.example.org", "not a certificate", good.privateKeyPem()),
                "certificatePem: the certificate chain is not PEM X.509: No certificate data found");
        assertBadRequest(upload(cy, "cy.example.org", good.certificatePem(), "not a key"),
                "keyPem: no unencrypted PEM private key found in the key");
        assertBadRequest(upload(cy, "cy.example.org", good.certificatePem(), stranger.privateKeyPem()),
                "keyPem: the key does not belong to the certificate (the first one in certificatePem); upload the "
                        + "key it was issued for");
        NodeCertificate elsewhere = NodeCertificate.generate(List.of("www.example.net"));
        assertBadRequest(upload(cy, "cy.example.org", elsewhere.certificatePem(), elsewhere.privateKeyPem()),
                "certificatePem: the certificate does not cover 'cy.example.org' (it names www.example.net, "
                        + "localhost)");
        String[] expired = selfSigned("cy.example.org", Instant.now().minus(30, ChronoUnit.DAYS),
                Instant.now().minus(1, ChronoUnit.DAYS));
        Response old = upload(cy, "cy.example.org", expired[0], expired[1]);
        assertThat(old.status()).isEqualTo(400);
        assertThat(old.text("message")).startsWith("certificatePem: the certificate expired at ")
                .endsWith("; upload a renewed one");
        assertThat(api.get("/api/v1/certificates", cy).body().size()).isZero();
        assertThat(upload(cy, "cy.example.org", good.certificatePem(), good.privateKeyPem()).status())
                .isEqualTo(201);
    }

    /** A self-signed EC certificate for {@code host} valid between the two instants: {chain PEM, key PEM}. */
    private static String[] selfSigned(String host, Instant from, Instant until) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair pair = g.generateKeyPair();
        X500Name name = new X500Name("CN=" + host);
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(from), Date.from(until), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        return new String[] {pem(cert), pem(new JcaPKCS8Generator(pair.getPrivate(), null).generate())};
    }

    private static String pem(Object o) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    private Response upload(String token, String domain, String chain, String key) {
        return api.post("/api/v1/certificates", token, Map.of("domain", domain, "certificatePem", chain,
                "keyPem", key));
    }

    private static void assertBadRequest(Response r, String message) {
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.text("error")).isEqualTo("bad_request");
        assertThat(r.text("message")).isEqualTo(message);
    }

    private static void assertError(Response response, int status, String error) {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertThat(response.text("error")).as("%s", response).isEqualTo(error);
        assertThat(response.text("message")).as("%s", response).isNotBlank();
    }

    private String signUp(String username) {
        Response created = api.post("/api/v1/users", admin, Map.of("username", username));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String password = username + "'s password!";
        assertThat(api.post("/api/v1/auth/password", null, Map.of("username", username,
                "currentPassword", created.body().path("password").asString(), "newPassword", password)).status())
                .isEqualTo(204);
        Response token = api.post("/api/v1/auth/token", null, Map.of("username", username, "password", password));
        assertThat(token.status()).as("%s", token).isEqualTo(201);
        return token.text("secret");
    }
}
