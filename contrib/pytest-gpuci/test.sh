#!/usr/bin/env bash
# Runs the plugin's tests in a fresh virtual environment with pytest and PyYAML from PyPI.
#
#   contrib/pytest-gpuci/test.sh                 # round-trip tests skip without GPUCI
#   GPUCI=/path/to/gpuci GPUCI_REQUIRE=1 contrib/pytest-gpuci/test.sh   # CI: they must run
#
# Needs python3 with the venv module (Debian: apt-get install python3 python3-venv) and access
# to PyPI. PYTHON picks another interpreter. The exit status is the tests'.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/pytest-gpuci.XXXXXX")"
trap 'rm -rf "$work"' EXIT

"$python" -m venv "$work/venv"
pip=("$work/venv/bin/python" -m pip --disable-pip-version-check --quiet)
"${pip[@]}" install "pytest>=8,<10" pyyaml
# Build from a copy: setuptools writes build/ and *.egg-info next to the sources it builds.
mkdir "$work/src"
cp -R "$here/pyproject.toml" "$here/README.md" "$here/pytest_gpuci" "$work/src/"
"${pip[@]}" install "$work/src"

cd "$repo"
status=0
PYTHONDONTWRITEBYTECODE=1 GPUCI_REQUIRE="${GPUCI_REQUIRE:-}" \
    "$work/venv/bin/python" -m pytest -p no:cacheprovider contrib/pytest-gpuci/tests -q || status=$?
exit "$status"
