"""Shared helpers for the plugin's tests (pytester runs real pytest sessions)."""

import json
import os
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

#: The repository root (contrib/pytest-gpuci/tests/ is three levels down).
REPO = Path(__file__).resolve().parents[3]
#: The ``infra`` stub and stub fixtures the fixture trees need to import.
STUBS = Path(__file__).resolve().parent / "stubs"
FIXTURES = REPO / "Tests" / "GPUCISimulationTests" / "Fixtures"


def collected_ids(result):
    """Node ids printed by ``--collect-only -q``, in order."""
    ids = []
    for line in result.outlines:
        if not line.strip():
            break
        if "::" in line:
            ids.append(line.strip())
    return ids


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture
def scenario(pytester):
    """Run ``pytest --collect-only -q --gpuci-scenario`` in-process; returns (result, document)."""

    def run(*args):
        out = pytester.path / "scenario.json"
        if out.exists():
            out.unlink()
        result = pytester.runpytest("--collect-only", "-q", f"--gpuci-scenario={out}", *args)
        document = load(out) if out.exists() else None
        return result, document

    return run


@pytest.fixture
def gpuci_binary():
    """The gpuci binary named by ``GPUCI``; a failure when ``GPUCI_REQUIRE=1``, else a skip."""
    path = os.environ.get("GPUCI")
    if not path:
        if os.environ.get("GPUCI_REQUIRE") == "1":
            pytest.fail("GPUCI is not set but GPUCI_REQUIRE=1: point GPUCI at a built gpuci binary")
        pytest.skip("GPUCI is not set (point it at a gpuci binary to run the round trip)")
    if not os.access(path, os.X_OK):
        pytest.fail(f"GPUCI={path} is not an executable file")
    return path
