package dev.flux.controlplane.localstack;

import dev.flux.controlplane.node.NodeRepository;
import dev.flux.controlplane.node.PortRange;
import dev.flux.controlplane.security.Scope;
import dev.flux.controlplane.token.ApiTokenRepository;
import dev.flux.controlplane.token.TokenIssuer;
import dev.flux.controlplane.user.User;
import dev.flux.controlplane.user.UserRepository;
import dev.flux.protocol.auth.Tokens;
import dev.flux.protocol.files.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The control plane's part of the one-command local stack ({@code ./flux-local}): with
 * {@code flux.control-plane.local-stack-dir} set, once the application is ready it makes sure that
 *
 * <ul>
 *   <li>a node named {@value #NODE_NAME} exists, its credential in {@code node-credential} (for the local node's
 *       {@code credentialFile});</li>
 *   <li>the administrator has a working token with the {@code tunnels} and {@code admin} scopes in
 *       {@code admin-token} (kept while it works; a new one when it was revoked or the file is gone);</li>
 * </ul>
 *
 * and then writes {@code control-plane.ready}, removed again when the control plane stops. Files are owner-only.
 * Nothing of this runs in a normal deployment.
 */
@Component
@ConditionalOnProperty("flux.control-plane.local-stack-dir")
class LocalStack {

    static final String NODE_NAME = "local";
    /** Tunnels of the local node get {@code <subdomain>.localhost}, which resolves to loopback without DNS. */
    static final String SUBDOMAIN_HOST = "localhost";
    static final String READY_FILE = "control-plane.ready";

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

    private final Path dir;
    private final NodeRepository nodes;
    private final UserRepository users;
    private final ApiTokenRepository tokens;
    private final TokenIssuer issuer;
    private final String adminUsername;

    LocalStack(@Value("${flux.control-plane.local-stack-dir}") Path dir,
               @Value("${flux.control-plane.admin.username:admin}") String adminUsername,
               NodeRepository nodes, UserRepository users, ApiTokenRepository tokens, TokenIssuer issuer) {
        this.dir = dir;
        this.adminUsername = adminUsername;
        this.nodes = nodes;
        this.users = users;
        this.tokens = tokens;
        this.issuer = issuer;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Transactional
    public void prepare() {
        try {
            Files.createDirectories(dir);
            ensureNode();
            ensureAdminToken();
            PrivateFiles.write(dir.resolve(READY_FILE), "ready\n");
            log.info("local stack: node credential and administrator token are in {}", dir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the local stack in " + dir.toAbsolutePath(), e);
        }
    }

    @EventListener(ContextClosedEvent.class)
    public void stopped() throws IOException {
        Files.deleteIfExists(dir.resolve(READY_FILE));
    }

    private void ensureNode() throws IOException {
        Path credentialFile = dir.resolve("node-credential");
        if (nodes.findByName(NODE_NAME).isPresent()) {
            if (!Files.isRegularFile(credentialFile)) {
                throw new IllegalStateException("the local node '" + NODE_NAME + "' exists but its credential file "
                        + credentialFile.toAbsolutePath() + " is gone; delete " + dir.toAbsolutePath()
                        + " to start the local stack afresh");
            }
            return;
        }
        String credential = Tokens.generate();
        nodes.insertIfAbsent(NODE_NAME, "127.0.0.1", SUBDOMAIN_HOST, new PortRange(20000, 29999),
                        Tokens.hash(credential))
                .orElseThrow(() -> new IllegalStateException("node '" + NODE_NAME + "' was created concurrently"));
        PrivateFiles.write(credentialFile, credential + "\n");
    }

    private void ensureAdminToken() throws IOException {
        Path tokenFile = dir.resolve("admin-token");
        if (Files.isRegularFile(tokenFile)) {
            String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            boolean works = tokens.findGrant(Tokens.hash(token))
                    .filter(grant -> grant.revokedAt() == null && grant.expiresAt() == null && !grant.userDisabled())
                    .isPresent();
            if (works) {
                return;
            }
        }
        Optional<User> admin = users.findByUsername(adminUsername);
        User user = admin.orElseThrow(() -> new IllegalStateException("no administrator '" + adminUsername + "'"));
        String secret = issuer.issue(user.id(), true, "local stack", EnumSet.of(Scope.TUNNELS, Scope.ADMIN), null,
                "system").secret();
        PrivateFiles.write(tokenFile, secret + "\n");
    }
}
