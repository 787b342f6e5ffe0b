# --- shared by the flux-node and flux-control-plane maintainer scripts ---
# The services run as the system user and group flux (no login shell, no home of its own outside /var/lib/flux).
flux_ensure_user() {
  if ! getent group flux >/dev/null; then
    addgroup --system --quiet flux 2>/dev/null || groupadd --system flux
  fi
  if ! getent passwd flux >/dev/null; then
    adduser --system --quiet --ingroup flux --home /var/lib/flux --no-create-home --shell /usr/sbin/nologin \
        --gecos "FLUX Gateway" flux 2>/dev/null \
      || useradd --system --gid flux --home-dir /var/lib/flux --no-create-home --shell /usr/sbin/nologin \
        --comment "FLUX Gateway" flux
  fi
  install -d -o flux -g flux -m 0750 /var/lib/flux
}
flux_systemd_reload() {
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
  fi
}
# --- end of the shared part ---
