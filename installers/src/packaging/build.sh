#!/usr/bin/env bash
# Builds every Linux installer from the reactor's jars (run by the installers module in the package phase):
#   build.sh FLUXCTL_JAR DESKTOP_JAR NODE_JAR CONTROL_PLANE_JAR
# into $OUT; what cannot be built here is skipped with its reason printed and kept in $OUT/skipped/.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
fluxctl_jar=$1 desktop_jar=$2 node_jar=$3 control_plane_jar=$4
rm -rf "$OUT"
mkdir -p "$OUT"

if [ "$(uname -s)" != Linux ]; then
  skip linux "the Linux packages are built on Linux; the Windows and macOS installers by desktop.sh (see the workflow)"
  exit 0
fi
if [ -z "$(jdk_tool jlink)" ] || [ ! -d "$JAVA_HOME/jmods" ]; then
  for a in fluxctl desktop-app-image desktop-deb; do
    skip "$a" "jlink or the JDK's jmods were not found in $JAVA_HOME (Debian: openjdk-17-jdk-headless)"
  done
  bash "$PACKAGING_DIR/servers.sh" "$node_jar" "$control_plane_jar"
  exit 0
fi

# jdeps reads each fat jar for a while: both at once.
jdk_modules "$fluxctl_jar" "$SERVICE_MODULES" >"$OUT/fluxctl.modules" &
fluxctl_jdeps=$!
jdk_modules "$desktop_jar" "$SERVICE_MODULES" >"$OUT/desktop.modules" &
desktop_jdeps=$!
wait "$fluxctl_jdeps" && wait "$desktop_jdeps"
export FLUXCTL_MODULES DESKTOP_MODULES
FLUXCTL_MODULES=$(cat "$OUT/fluxctl.modules")
DESKTOP_MODULES=$(cat "$OUT/desktop.modules")

bash "$PACKAGING_DIR/servers.sh" "$node_jar" "$control_plane_jar"
bash "$PACKAGING_DIR/fluxctl.sh" "$fluxctl_jar"
bash "$PACKAGING_DIR/desktop.sh" "$desktop_jar" app-image deb
log "done:"
ls -l "$OUT" | sed 's/^/[installers]   /'
