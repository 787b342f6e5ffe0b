#!/usr/bin/env bash
# Takes the screenshots in docs/images/desktop-*.png: runs the desktop flow test (real control plane, node and
# agent) on an Xvfb display with GTK instead of the headless Monocle, saving the window at each screen.
# Needs xvfb, libgtk-3-0 and a Chinese font for the zh screenshot (Debian: apt-get install -y xvfb libgtk-3-0
# fonts-wqy-microhei). Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/docs/images"
xvfb-run -a -s "-screen 0 1280x800x24" ./mvnw -B -q -o -pl client-desktop -am verify \
  -Dtest='DesktopFlowTest' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dflux.desktop.fxArgs="-Dprism.order=sw -Djava.awt.headless=true" \
  -Dflux.desktop.screenshots="$out"
ls -l "$out"/desktop-*.png
