#!/usr/bin/env bash
# flux-node_VERSION_ARCH.deb and flux-control-plane_VERSION_ARCH.deb: the executable jars under /usr/share/flux,
# a hardened systemd unit each, configuration in /etc/flux (conffiles), data in /var/lib/flux, the user flux.
# They run on the system's Java 17 or later.
#   servers.sh NODE_JAR CONTROL_PLANE_JAR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
node_jar=$1
control_plane_jar=$2
if ! have dpkg-deb; then
  skip flux-node-deb "dpkg-deb was not found (Debian: apt-get install dpkg)"
  skip flux-control-plane-deb "dpkg-deb was not found (Debian: apt-get install dpkg)"
  exit 0
fi
java_depends='default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser'

# server_deb PACKAGE ... stages the package in $OUT/PACKAGE/deb; build_deb makes the .deb of it.
# server_deb PACKAGE UNIT JAR CONFIG SECRETS DATA SUMMARY DESCRIPTION...
server_deb() {
  local package=$1 unit=$2 jar=$3 config=$4 secrets=$5 data=$6 summary=$7
  shift 7
  local stage=$OUT/$package/deb
  rm -rf "$OUT/$package"
  mkdir -p "$stage/usr/share/flux" "$stage/lib/systemd/system" "$stage/etc/flux" "$stage/usr/share/doc/$package"
  install -m 0644 "$jar" "$stage/usr/share/flux/$(basename "$jar")"
  install -m 0644 "$PACKAGING_DIR/server/$unit.service" "$stage/lib/systemd/system/$unit.service"
  install -m 0640 "$PACKAGING_DIR/server/$(basename "$config")" "$stage$config"
  control_file "$stage" "$package" "$java_depends" "$summary" "$@"
  echo "$config" >"$stage/DEBIAN/conffiles"
  local script
  for script in postinst prerm postrm; do
    maintainer_script "$stage" "$script" "$PACKAGING_DIR/deb/server.$script"
    sed -i -e "s|@PACKAGE@|$package|g" -e "s|@UNIT@|$unit|g" -e "s|@CONFIG@|$config|g" \
      -e "s|@SECRETS@|$secrets|g" -e "s|@DATA@|$data|g" "$stage/DEBIAN/$script"
  done
}

server_deb flux-node flux-node "$node_jar" /etc/flux/node.toml /etc/flux/node.credential /var/lib/flux/node \
  "FLUX Gateway node (systemd service)" \
  "The gateway node agents open tunnels to: the TLS tunnel port, TCP remote ports" \
  "and the HTTP/HTTPS listeners that route visitors by host name. Runs as the" \
  "flux-node service, user flux, configured in /etc/flux/node.toml."
install -m 0644 "$REPO_DIR/docs/examples/node.toml" "$OUT/flux-node/deb/usr/share/doc/flux-node/node.toml.example"
build_deb "$OUT/flux-node/deb" "$OUT/flux-node_$(deb_version)_$(deb_arch).deb"

server_deb flux-control-plane flux-control-plane "$control_plane_jar" /etc/flux/control-plane.properties "" \
  /var/lib/flux/control-plane \
  "FLUX Gateway control plane (systemd service)" \
  "Users, tokens, tunnels and nodes behind one web UI and REST API. Keeps its" \
  "data in an embedded PostgreSQL under /var/lib/flux or in an external one." \
  "Runs as the flux-control-plane service, user flux, configured in" \
  "/etc/flux/control-plane.properties."
build_deb "$OUT/flux-control-plane/deb" "$OUT/flux-control-plane_$(deb_version)_$(deb_arch).deb"
