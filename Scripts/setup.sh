#!/usr/bin/env bash
# Installs what gpuci needs from Debian when missing: the libraries it links against (hwloc,
# libnuma, SQLite, zlib), hwloc's command-line tools (the tests compare discovery with lstopo), and
# python3 (gpuci run executes registered test files with it) with venv (the pytest plugin's tests
# install pytest from PyPI into a virtual environment).
set -euo pipefail
if ! pkg-config --exists hwloc numa sqlite3 zlib 2>/dev/null || ! command -v lstopo-no-graphics >/dev/null \
   || ! command -v python3 >/dev/null || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq pkg-config libhwloc-dev libnuma-dev libsqlite3-dev zlib1g-dev hwloc-nox python3 python3-venv >/dev/null
fi
