"""The repository's fixture trees through real pytest: the round trip against ``gpuci scenario
import`` (needs ``GPUCI``), and the recorded collection of ``e2e_test_v2`` (no gpuci needed).

Set ``GPUCI_UPDATE_EXPECTED=1`` to rewrite ``e2e_test_v2.expected.json`` and
``e2e_test_v2.collect-only.txt`` from the current plugin instead of comparing.
"""

import os
import shutil
import subprocess

import pytest
import yaml

from conftest import FIXTURES, REPO, STUBS, collected_ids, load

V2 = FIXTURES / "e2e_test_v2"
V2_EXPECTED = FIXTURES / "e2e_test_v2.expected.json"
V2_COLLECTED = FIXTURES / "e2e_test_v2.collect-only.txt"
NEW_KEYS = ("skip", "fixtureScopes")


@pytest.fixture
def tree(pytester, monkeypatch):
    """Copy a fixture tree under pytester's folder (pytest writes caches there, not in the repo)."""
    monkeypatch.setenv("PYTHONPATH", str(STUBS))
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")

    def copy(name):
        target = pytester.path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return copy


def collect(pytester, root, paths, *extra):
    out = pytester.path / "plugin.json"
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--collect-only", "-q", f"--gpuci-scenario={out}", *extra,
        *[str(root / path) for path in paths])
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    return result, out


def gpuci_import(binary, root, paths):
    completed = subprocess.run([binary, "scenario", "import", *[str(root / path) for path in paths]],
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    return yaml.safe_load(completed.stdout)


@pytest.mark.parametrize("paths", [["router", "embeddings"], ["."], ["benchmarks", "router/test_worker_api.py"]])
def test_round_trip_with_static_importer(pytester, tree, gpuci_binary, paths):
    root = tree("e2e_test")
    _, out = collect(pytester, root, paths, "-p", "gpuci_e2e_stub_fixtures")
    plugin = load(out)
    imported = gpuci_import(gpuci_binary, root, paths)
    assert plugin["fixtureScopes"]["setup_backend"] == "class"
    plugin_tests = plugin["tests"]
    assert not any("skip" in test for test in plugin_tests)
    assert [test["id"] for test in plugin_tests] == [test["id"] for test in imported["tests"]]
    for mine, theirs in zip(plugin_tests, imported["tests"]):
        for key in ("id", "markers", "params", "uses", "gateways"):
            assert mine.get(key) == theirs.get(key), f"{mine['id']}: {key}"
        assert set(mine) <= {"id", "markers", "params", "uses", "gateways"}
        assert set(mine) == set(theirs) - {"seconds"}
    check = subprocess.run([gpuci_binary, "scenario", "check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_stub_fixtures_leave_the_static_import_unchanged(gpuci_binary):
    """The recorded scenario still matches what the importer reads from the (unchanged) tree."""
    recorded = yaml.safe_load((REPO / "Scenarios" / "gateway-e2e.yaml").read_text(encoding="utf-8"))
    root = FIXTURES / "e2e_test"
    assert gpuci_import(gpuci_binary, root, ["router", "embeddings"])["tests"] == recorded["tests"]


def test_v2_collection_matches_recorded(pytester, tree):
    root = tree("e2e_test_v2")
    result, out = collect(pytester, root, ["."], "--gpuci-name=e2e_test_v2")
    text = out.read_text(encoding="utf-8")
    ids = "\n".join(collected_ids(result)) + "\n"
    if os.environ.get("GPUCI_UPDATE_EXPECTED") == "1":
        V2_EXPECTED.write_text(text, encoding="utf-8")
        V2_COLLECTED.write_text(ids, encoding="utf-8")
    assert text == V2_EXPECTED.read_text(encoding="utf-8"), "e2e_test_v2.expected.json is stale (GPUCI_UPDATE_EXPECTED=1)"
    assert ids == V2_COLLECTED.read_text(encoding="utf-8")
    document = load(out)
    assert [test["id"] for test in document["tests"]] == collected_ids(result)
    assert document["fixtureScopes"] == {"model_pool": "session", "setup_backend": "function"}
    skipped = {test["id"]: test["skip"] for test in document["tests"] if "skip" in test}
    assert skipped == {
        "chat/test_chat_local.py::TestChatCloud::test_chat_hello[openai]": "cloud backends need API keys",
        "chat/test_chat_local.py::TestChatCloud::test_chat_stream[openai]": "cloud backends need API keys",
        "embeddings/test_rerank.py::TestRerank::test_rerank_order[http]": "rerank API not served yet",
        "router/test_mmlu.py::TestMMLU::test_mmlu_basic[grpc]": "grpc worker image not built",
        "router/test_mmlu.py::TestMMLU::test_mmlu_extended[grpc]": "grpc worker image not built",
        "router/test_worker_api.py::TestWorkerAPI::test_list_workers_tp2[http]": "needs two GPUs per worker",
        "router/test_worker_api.py::TestWorkerAPI::test_list_workers_tp2[grpc]": "needs two GPUs per worker",
    }
    # The same skip set when pytest runs the tree (the non-skipped ones error: no GPUs here).
    run = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q", "-rs", str(root))
    run.assert_outcomes(skipped=len(skipped), errors=len(document["tests"]) - len(skipped) - 1, passed=1)


def test_v2_round_trip_with_static_importer(pytester, tree, gpuci_binary):
    """Real pytest and gpuci's static importer agree on the newer-style tree: order, skip set,
    markers, params, body calls and the fixture scopes."""
    root = tree("e2e_test_v2")
    _, out = collect(pytester, root, ["."])
    plugin = load(out)
    imported = gpuci_import(gpuci_binary, root, ["."])
    assert [test["id"] for test in plugin["tests"]] == [test["id"] for test in imported["tests"]]
    for mine, theirs in zip(plugin["tests"], imported["tests"]):
        for key in ("markers", "params", "uses", "gateways", "skip"):
            assert mine.get(key) == theirs.get(key), f"{mine['id']}: {key}"
    assert plugin["fixtureScopes"] == imported["fixtureScopes"]
    check = subprocess.run([gpuci_binary, "scenario", "check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "(7 marked skip)" in check.stdout and "(later rules)" in check.stdout


def test_an_order_from_reorder_is_applied_by_the_plugin(pytester, tree, gpuci_binary):
    """gpuci simulate --reorder writes an order; pytest --gpuci-order re-collects exactly it."""
    root = tree("e2e_test")
    scenario = pytester.path / "scenario.yaml"
    imported = subprocess.run([gpuci_binary, "scenario", "import", str(root / "router"), str(root / "embeddings")],
                              capture_output=True, text=True, check=True)
    scenario.write_text(imported.stdout)
    order = pytester.path / "order.txt"
    run = subprocess.run([gpuci_binary, "simulate", str(scenario), "--reorder", "--order-out", str(order)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    wanted = [line for line in order.read_text().splitlines() if line and not line.startswith("#")]
    assert sorted(wanted) == sorted(test["id"] for test in yaml.safe_load(imported.stdout)["tests"])
    result, out = collect(pytester, root, ["router", "embeddings"], "-p", "gpuci_e2e_stub_fixtures", f"--gpuci-order={order}")
    assert collected_ids(result) == wanted
    assert [test["id"] for test in load(out)["tests"]] == wanted
