#!/usr/bin/env bash
# Installs the system libraries gpuci links against (hwloc, libnuma, SQLite) when missing.
set -euo pipefail
if ! pkg-config --exists hwloc numa sqlite3 2>/dev/null || ! command -v lstopo-no-graphics >/dev/null; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq pkg-config libhwloc-dev libnuma-dev libsqlite3-dev hwloc-nox >/dev/null
fi
