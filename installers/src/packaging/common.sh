# Shared by the packaging scripts (sourced, not run). Expects:
#   OUT       where images and packages go (installers/target/installers)
#   VERSION   the Maven project version, e.g. 0.1.0-SNAPSHOT
#   JAVA_HOME the JDK that links and packages (jdeps, jlink, jpackage)
set -euo pipefail

: "${OUT:?OUT is not set}" "${VERSION:?VERSION is not set}" "${JAVA_HOME:?JAVA_HOME is not set}"
if command -v cygpath >/dev/null 2>&1; then
  # Git Bash on Windows: C:\...\jdk -> /c/.../jdk
  JAVA_HOME=$(cygpath -u "$JAVA_HOME")
  OUT=$(cygpath -u "$OUT")
fi
PACKAGING_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
INSTALLERS_DIR=$(cd "$PACKAGING_DIR/../.." && pwd)
REPO_DIR=$(cd "$INSTALLERS_DIR/.." && pwd)
mkdir -p "$OUT"

log() { printf '[installers] %s\n' "$*"; }

# skip ARTIFACT REASON: the artifact is not built here; the reason is printed and kept for the smoke tests,
# which report the same reason when they skip.
skip() {
  mkdir -p "$OUT/skipped"
  printf '%s\n' "$2" >"$OUT/skipped/$1"
  printf '[installers] SKIPPED %s: %s\n' "$1" "$2"
}

have() { command -v "$1" >/dev/null 2>&1; }

jdk_tool() {
  local tool="$JAVA_HOME/bin/$1"
  [ -x "$tool" ] || tool="$JAVA_HOME/bin/$1.exe"
  [ -x "$tool" ] && echo "$tool"
}

# The Debian version of a Maven version: 0.1.0-SNAPSHOT -> 0.1.0~SNAPSHOT (sorts before the release 0.1.0).
deb_version() { echo "${VERSION//-/\~}"; }
# The numeric version jpackage, MSI and macOS bundles accept: 0.1.0-SNAPSHOT -> 0.1.0.
app_version() { echo "${VERSION%%-*}"; }

deb_arch() {
  if have dpkg; then dpkg --print-architecture; else echo amd64; fi
}

# jdk_modules JAR EXTRA: the JDK modules JAR needs, as jdeps finds them in its byte code, plus EXTRA (comma
# separated): modules reached only through services or reflection, which jdeps cannot see.
jdk_modules() {
  local jar=$1 extra=$2 found
  found=$("$(jdk_tool jdeps)" --ignore-missing-deps --print-module-deps --multi-release 17 "$jar" | tail -n 1)
  [ -n "$found" ] || { echo "jdeps found no modules in $jar" >&2; return 1; }
  echo "$found,$extra"
}

# Modules every FLUX runtime adds to what jdeps finds: the elliptic-curve algorithms TLS 1.3 needs
# (a security provider, loaded as a service) and the locale data for the Chinese translation.
SERVICE_MODULES=jdk.crypto.ec,jdk.localedata

# What a jlink'd runtime's own natives (the JVM, java.base, the network) need of the system.
RUNTIME_DEPENDS='libc6, libgcc-s1, libstdc++6, zlib1g'

# link_runtime MODULES OUTPUT [jlink options...]: a trimmed runtime: no debug symbols, headers or man pages,
# locales English and Chinese only.
link_runtime() {
  local modules=$1 output=$2
  shift 2
  rm -rf "$output"
  "$(jdk_tool jlink)" --add-modules "$modules" --include-locales=en,zh \
    --strip-debug --no-header-files --no-man-pages "$@" --output "$output"
}

# build_deb STAGE OUTPUT.deb: a .deb from a staged tree whose DEBIAN/ holds control and the maintainer scripts.
# Files belong to root (--root-owner-group), so no fakeroot is needed.
build_deb() {
  local stage=$1 deb=$2
  local size
  size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
  sed -i "s/^Installed-Size: .*/Installed-Size: $size/" "$stage/DEBIAN/control"
  find "$stage" -type d -exec chmod 0755 {} +
  dpkg-deb --root-owner-group -Zgzip --build "$stage" "$deb" >/dev/null
  log "built $(basename "$deb") ($(du -h "$deb" | cut -f1))"
}

# control_file STAGE PACKAGE DEPENDS DESCRIPTION...: DEBIAN/control.
control_file() {
  local stage=$1 package=$2 depends=$3
  shift 3
  mkdir -p "$stage/DEBIAN"
  {
    echo "Package: $package"
    echo "Version: $(deb_version)"
    echo "Architecture: $(deb_arch)"
    echo "Maintainer: FLUX Gateway developers <flux@localhost>"
    echo "Section: net"
    echo "Priority: optional"
    echo "Installed-Size: 0"
    [ -z "$depends" ] || echo "Depends: $depends"
    echo "Description: $1"
    shift
    local line
    for line in "$@"; do
      if [ -z "$line" ]; then echo " ."; else echo " $line"; fi
    done
  } >"$stage/DEBIAN/control"
}

# maintainer_script STAGE NAME SOURCE: DEBIAN/NAME from SOURCE, with the shared functions put in at #FLUX_COMMON#.
maintainer_script() {
  local stage=$1 name=$2 source=$3
  mkdir -p "$stage/DEBIAN"
  sed -e "/^#FLUX_COMMON#\$/{r $PACKAGING_DIR/deb/maintainer-common.sh" -e 'd}' "$source" >"$stage/DEBIAN/$name"
  chmod 0755 "$stage/DEBIAN/$name"
}
