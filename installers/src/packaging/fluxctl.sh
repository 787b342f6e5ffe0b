#!/usr/bin/env bash
# fluxctl on a jlink'd runtime: the image (bin/fluxctl, lib/fluxctl.jar, runtime/, shell completion), shipped as
# fluxctl-VERSION-linux-ARCH.tar.gz and as fluxctl_VERSION_ARCH.deb.
#   fluxctl.sh FLUXCTL_JAR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
jar=$1
name=fluxctl-$VERSION-linux-$(deb_arch)
image=$OUT/fluxctl/$name

log "fluxctl: runtime (modules: ${FLUXCTL_MODULES:=$(jdk_modules "$jar" "$SERVICE_MODULES")})"
rm -rf "$OUT/fluxctl"
mkdir -p "$image/bin" "$image/lib" "$image/share/bash-completion/completions" "$image/share/zsh/vendor-completions"
# --generate-cds-archive: the runtime's own class-data archive of the JDK classes, made for this image.
# --compress=2: a quarter smaller; the classes a start needs come from the archives, so it costs no start-up time.
link_runtime "$FLUXCTL_MODULES" "$image/runtime" --generate-cds-archive --compress=2
cp "$jar" "$image/lib/fluxctl.jar"
install -m 0755 "$PACKAGING_DIR/fluxctl/fluxctl" "$image/bin/fluxctl"

# Shell completion, generated from the command tree by `fluxctl completion`: bash as it is; zsh runs the same
# script through bashcompinit.
FLUXCTL_NO_ARCHIVE=1 "$image/bin/fluxctl" completion >"$image/share/bash-completion/completions/fluxctl"
grep -q '^complete -F _complete_fluxctl' "$image/share/bash-completion/completions/fluxctl"
{
  echo '#compdef fluxctl'
  echo '# zsh completion for fluxctl: the bash completion of `fluxctl completion`, run through bashcompinit.'
  sed '1{/^#!/d}' "$image/share/bash-completion/completions/fluxctl"
  echo '_bash_complete -F _complete_fluxctl -o default'
} >"$image/share/zsh/vendor-completions/_fluxctl"

tar -C "$OUT/fluxctl" -czf "$OUT/$name.tar.gz" "$name"
log "built $name.tar.gz ($(du -h "$OUT/$name.tar.gz" | cut -f1))"

if ! have dpkg-deb; then
  skip fluxctl-deb "dpkg-deb was not found (Debian: apt-get install dpkg)"
  exit 0
fi
stage=$OUT/fluxctl/deb
mkdir -p "$stage/usr/lib" "$stage/usr/bin" "$stage/usr/share"
cp -a "$image" "$stage/usr/lib/fluxctl"
mv "$stage/usr/lib/fluxctl/share/bash-completion" "$stage/usr/lib/fluxctl/share/zsh" "$stage/usr/share/"
rmdir "$stage/usr/lib/fluxctl/share"
ln -s ../lib/fluxctl/bin/fluxctl "$stage/usr/bin/fluxctl"
# java.desktop's natives (AWT, images, sound) stay unloaded: fluxctl draws nothing, so their libraries are not needed.
control_file "$stage" fluxctl "$RUNTIME_DEPENDS" "FLUX Gateway command-line client" \
  "fluxctl opens tunnels from this machine to a FLUX gateway node, signs in to a" \
  "control plane and manages tunnels and tokens. It ships its own Java runtime."
maintainer_script "$stage" postinst "$PACKAGING_DIR/deb/fluxctl.postinst"
maintainer_script "$stage" prerm "$PACKAGING_DIR/deb/fluxctl.prerm"
build_deb "$stage" "$OUT/fluxctl_$(deb_version)_$(deb_arch).deb"
