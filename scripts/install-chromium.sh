#!/usr/bin/env bash
# Installs Debian's chromium (and CJK fonts for the 1028 screenshots) for the PCF browser test, which
# playwright-core drives without downloading a browser. `npm test` never installs anything: without a
# Chromium it skips the browser test and says so. CI runs this first (.ci/run). Needs root or sudo.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "chromium: $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "installing chromium and fonts-noto-cjk with apt-get (about a minute)…"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
echo "chromium: $(command -v chromium) ($(chromium --version))"
