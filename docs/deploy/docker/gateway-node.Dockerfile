# FLUX Gateway node. Build from the repository root after `./mvnw -B package -DskipTests`:
#   docker build -f docs/deploy/docker/gateway-node.Dockerfile -t flux-gateway-node .
# Run with your node.toml (see docs/deploy/docker/node.toml and docs/operator.md):
#   docker run -d --name flux-node -p 7000:7000 -p 80:80 -p 443:443 -p 20000-20100:20000-20100 \
#     -v "$PWD/node.toml:/etc/flux/node.toml:ro" -v flux-node-data:/var/lib/flux flux-gateway-node
FROM eclipse-temurin:17-jre

# curl for the health check; a system user that owns only the data directory
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 flux \
    && useradd --system --uid 10001 --gid flux --home-dir /var/lib/flux --shell /usr/sbin/nologin flux \
    && mkdir -p /etc/flux /var/lib/flux \
    && chown flux:flux /var/lib/flux

COPY gateway-node/target/gateway-node.jar /opt/flux/gateway-node.jar
COPY docs/deploy/docker/node.toml /etc/flux/node.toml

USER flux
WORKDIR /var/lib/flux
# /etc/flux: node.toml and certificates (mount yours read-only); /var/lib/flux: the generated certificate
VOLUME ["/etc/flux", "/var/lib/flux"]
# agents, vhost HTTP, vhost HTTPS, admin (health and metrics); tunnel ports per allowPorts
EXPOSE 7000 80 443 7400

# [admin] bind = "127.0.0.1:7400" in node.toml: 200 once every listener is bound
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:7400/healthz || exit 1

# Binding ports below 1024 as a non-root user: Docker allows it by default (net.ipv4.ip_unprivileged_port_start=0
# in the container's network namespace); elsewhere, use ports above 1024 and map them.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/flux/gateway-node.jar", "--config", "/etc/flux/node.toml"]
