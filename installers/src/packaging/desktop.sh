#!/usr/bin/env bash
# The desktop app on a jlink'd runtime, packaged by jpackage. Every platform's package is made here, with the same
# arguments: Linux by the Maven build, Windows and macOS by .github/workflows/installers.yml.
#   desktop.sh DESKTOP_JAR TYPE...
# TYPE: app-image (made first, whatever else is asked: the installers are made from it), deb (Linux: dpkg-deb
# from the app image), msi (Windows: WiX on the PATH), dmg (macOS).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
jar=$1
shift
types=" $* "

case "$(uname -s)" in
  Linux) os=linux name=flux-desktop icon_ext=png ;;
  Darwin) os=mac name="FLUX Gateway" icon_ext=icns ;;
  MINGW* | MSYS* | CYGWIN*) os=windows name="FLUX Gateway" icon_ext=ico ;;
  *) echo "desktop.sh: unsupported system $(uname -s)" >&2; exit 1 ;;
esac
jpackage=$(jdk_tool jpackage) || true
if [ -z "$jpackage" ]; then
  for type in app-image $*; do
    skip "desktop-$type" "jpackage was not found in $JAVA_HOME/bin (it comes with a full JDK 17 or later)"
  done
  exit 0
fi

work=$OUT/desktop
rm -rf "$work"
mkdir -p "$work/input"
cp "$jar" "$work/input/flux-desktop.jar"

# The icon: the app's PNG, wrapped for Windows and macOS.
icon=$work/flux-desktop.$icon_ext
png=$REPO_DIR/client-desktop/src/main/resources/dev/flux/desktop/icon.png
if [ "$icon_ext" = png ]; then
  cp "$png" "$icon"
else
  "$(jdk_tool java)" "$INSTALLERS_DIR/src/icon/FluxIcon.java" "$icon_ext" "$png" "$icon"
fi

# JavaFX stays on the class path inside the shaded jar (it unpacks its natives on the first start), so the
# runtime holds JDK modules only: those jdeps finds in the jar, JavaFX's among them, plus the service modules.
log "desktop: runtime (modules: ${DESKTOP_MODULES:=$(jdk_modules "$work/input/flux-desktop.jar" "$SERVICE_MODULES")})"
link_runtime "$DESKTOP_MODULES" "$work/runtime" --strip-native-commands --compress=2

version=$(app_version)
if [ "$os" = mac ] && [ "${version%%.*}" = 0 ]; then
  # A macOS bundle's version must not start with 0: 0.MINOR.PATCH is numbered 1.0.(MINOR*100+PATCH) there.
  IFS=. read -r _ minor patch <<<"$version"
  version=1.0.$((minor * 100 + ${patch:-0}))
fi
common=(--name "$name" --app-version "$version" --vendor "FLUX Gateway"
  --description "FLUX Gateway: share local services through tunnels"
  --copyright "FLUX Gateway developers")
image_args=(--input "$work/input" --main-jar flux-desktop.jar --main-class dev.flux.desktop.Launcher
  --runtime-image "$work/runtime" --icon "$icon" --java-options -Xmx512m)
[ "$os" != mac ] || image_args+=(--mac-package-identifier dev.flux.desktop --mac-package-name "FLUX Gateway")

"$jpackage" --type app-image --dest "$work/image" "${common[@]}" "${image_args[@]}"
app_image=$work/image/$name
[ "$os" != mac ] || app_image="$app_image.app"
log "built the app image $app_image ($(du -sh "$app_image" | cut -f1))"

case "$types" in
  *" msi "*)
    if have candle.exe || have candle; then
      "$jpackage" --type msi --app-image "$app_image" --dest "$OUT" "${common[@]}" \
        --win-menu --win-menu-group "FLUX Gateway" --win-shortcut --win-dir-chooser \
        --win-upgrade-uuid ff597505-30c6-4e40-a82c-b7f634d25411
      log "built the .msi"
    else
      skip desktop-msi "WiX (candle.exe, light.exe) is not on the PATH; jpackage needs WiX 3 for .msi"
    fi ;;
esac
case "$types" in
  *" dmg "*)
    if [ "$os" = mac ]; then
      "$jpackage" --type dmg --app-image "$app_image" --dest "$OUT" "${common[@]}"
      log "built the .dmg"
    else
      skip desktop-dmg "a .dmg is made on macOS only (.github/workflows/installers.yml)"
    fi ;;
esac
case "$types" in
  *" deb "*)
    if [ "$os" != linux ] || ! have dpkg-deb; then
      skip desktop-deb "a .deb is made on Linux with dpkg-deb (Debian: apt-get install dpkg)"
      exit 0
    fi
    stage=$work/deb
    mkdir -p "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
      "$stage/usr/share/icons/hicolor/256x256/apps"
    cp -a "$app_image" "$stage/opt/flux-desktop"
    ln -s ../../opt/flux-desktop/bin/flux-desktop "$stage/usr/bin/flux-desktop"
    install -m 0644 "$PACKAGING_DIR/desktop/flux-desktop.desktop" "$stage/usr/share/applications/"
    install -m 0644 "$png" "$stage/usr/share/icons/hicolor/256x256/apps/flux-desktop.png"
    # The system libraries JavaFX (GTK 3, OpenGL, X11) and the runtime's natives load (Debian's JDK links the
    # image, colour, font and sound libraries of the system rather than its own copies); the t64 names are Debian
    # 13's.
    depends="$RUNTIME_DEPENDS, libgtk-3-0 | libgtk-3-0t64, libgl1, libxxf86vm1, libfontconfig1, libx11-6, libxext6"
    depends+=", libxi6, libxrender1, libxtst6, libasound2 | libasound2t64, libfreetype6, libharfbuzz0b, liblcms2-2"
    depends+=", libjpeg62-turbo, libpng16-16 | libpng16-16t64, libgif7"
    control_file "$stage" flux-desktop "$depends" \
      "FLUX Gateway desktop app" \
      "Sign in to a FLUX Gateway control plane, open tunnels to local services and" \
      "share their addresses (with QR codes); the agent runs inside the app and" \
      "keeps running from the tray. It ships its own Java runtime."
    build_deb "$stage" "$OUT/flux-desktop_$(deb_version)_$(deb_arch).deb" ;;
esac
