#!/usr/bin/env bash
# Installs Debian's chromium for the PCF browser test (playwright-core drives it; no browser download).
# Idempotent: does nothing when chromium is already there. Needs root (CI containers) or sudo.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  echo "chromium: $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-noto-cjk
echo "chromium: $(command -v chromium) ($(chromium --version))"
