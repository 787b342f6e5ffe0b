# FLUX Gateway control plane. Build from the repository root after `./mvnw -B package -DskipTests`:
#   docker build -f docs/deploy/docker/control-plane.Dockerfile -t flux-control-plane .
# Run against your PostgreSQL (without SPRING_DATASOURCE_URL it starts the embedded one in /var/lib/flux):
#   docker run -d --name flux-cp -p 8443:8443 -v flux-cp-data:/var/lib/flux \
#     -e SPRING_DATASOURCE_URL=jdbc:postgresql://db:5432/flux -e SPRING_DATASOURCE_USERNAME=flux \
#     -e SPRING_DATASOURCE_PASSWORD=secret -e FLUX_ADMIN_PASSWORD=first-sign-in-password flux-control-plane
FROM eclipse-temurin:17-jre

RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 flux \
    && useradd --system --uid 10001 --gid flux --home-dir /var/lib/flux --shell /usr/sbin/nologin flux \
    && mkdir -p /etc/flux /var/lib/flux \
    && chown flux:flux /var/lib/flux

COPY control-plane/target/control-plane.jar /opt/flux/control-plane.jar

USER flux
WORKDIR /var/lib/flux
# the embedded PostgreSQL's data, when no external database is configured
ENV FLUX_CONTROLPLANE_DATADIR=/var/lib/flux/postgres
# /etc/flux/application.properties, if mounted, is read after the built-in settings
VOLUME ["/etc/flux", "/var/lib/flux"]
EXPOSE 8443

# The actuator's health (the process and its database), open without a sign-in
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8443/actuator/health || exit 1

ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/flux/control-plane.jar", \
    "--spring.config.additional-location=optional:file:/etc/flux/"]
