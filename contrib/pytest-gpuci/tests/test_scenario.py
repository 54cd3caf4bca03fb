"""--gpuci-scenario: the items, markers, params, body calls, skips and fixture scopes pytest sees."""

import os

import pytest

from conftest import collected_ids


def by_id(document):
    return {test["id"]: test for test in document["tests"]}


def test_item_shape(pytester, scenario):
    pytester.makepyfile(test_shape="""
        import pytest

        class ConnectionMode:
            HTTP = "http"
            GRPC = "grpc"

        pytestmark = pytest.mark.e2e

        @pytest.mark.model("llama-8b")
        @pytest.mark.workers(count=2)
        @pytest.mark.gateway(policy="cache_aware", timeout=90, extra_args=["--x", 3])
        @pytest.mark.parametrize("setup_backend", ["grpc", "http"], indirect=True)
        class TestShape:
            @pytest.mark.parametrize("n, label", [(1, "a"), pytest.param(2.5, None, id="two")])
            def test_values(self, setup_backend, n, label):
                pass

        @pytest.mark.model("other")
        @pytest.mark.parametrize("obj", [object(), True, b"raw"])
        def test_body(model_pool, obj):
            first = model_pool.get("llama-8b", ConnectionMode.GRPC)
            second = model_pool.get("embedding", mode="HTTP")
            model_pool.get(name_not_literal)
            gateway.start(igw_mode=True)  # igw_mode=False in a comment is ignored

        def test_plain():
            igw_mode = False
    """)
    result, document = scenario("--gpuci-topology=4x23028MiB", "--gpuci-name=shape")
    assert result.ret == 0
    assert document["name"] == "shape"
    assert document["topology"] == "4x23028MiB"
    items = by_id(document)
    values = items["test_shape.py::TestShape::test_values[1-a-grpc]"]
    assert values == {
        "id": "test_shape.py::TestShape::test_values[1-a-grpc]",
        "markers": {
            "model": "llama-8b",
            "e2e": True,
            "workers": {"count": 2, "prefill": None, "decode": None},
            "gateway": {"policy": "cache_aware", "timeout": 90, "extra_args": ["--x"]},
            "parametrize": [
                {"argnames": "n,label", "values": [["1", "a"], ["2.5", "None"]]},
                {"argnames": "setup_backend", "values": ["grpc", "http"], "indirect": True},
            ],
        },
        "params": {"n": "1", "label": "a", "setup_backend": "grpc"},
    }
    assert items["test_shape.py::TestShape::test_values[two-http]"]["params"] == {
        "n": "2.5", "label": "None", "setup_backend": "http"}
    body = items["test_shape.py::test_body[obj0]"]
    assert body["markers"] == {"model": "other", "e2e": True,
                               "parametrize": [{"argnames": "obj", "values": ["obj0", "True", "raw"]}]}
    assert body["params"] == {"obj": "obj0"}
    assert body["uses"] == [{"model": "llama-8b", "mode": "grpc"}, {"model": "embedding", "mode": "http"}]
    assert body["gateways"] == ["igw"]
    assert items["test_shape.py::test_body[True]"]["params"] == {"obj": "True"}
    assert items["test_shape.py::test_plain"] == {"id": "test_shape.py::test_plain", "markers": {"e2e": True}}
    assert document["fixtureScopes"] == {}


def test_skip_marks_of_every_kind(pytester, scenario):
    pytester.makepyfile(test_skips="""
        import pytest

        HAVE_GRPC = False

        @pytest.mark.skip(reason="function skip")
        def test_function_skip(): pass

        @pytest.mark.skip
        def test_skip_without_reason(): pass

        @pytest.mark.skipif(True, reason="true literal")
        def test_skipif_true(): pass

        @pytest.mark.skipif(False, reason="false literal")
        def test_skipif_false(): pass

        @pytest.mark.skipif("sys.platform == 'nonexistent'", reason="string false")
        def test_skipif_string_false(): pass

        @pytest.mark.skipif("sys.platform != 'nonexistent'", reason="string true")
        def test_skipif_string_true(): pass

        @pytest.mark.skipif("not HAVE_GRPC", reason="module global")
        def test_skipif_module_global(): pass

        @pytest.mark.skipif("1 / 0", reason="broken")
        def test_skipif_raises(): pass

        @pytest.mark.skip(reason="class skip")
        class TestSkippedClass:
            def test_in_class(self): pass

        @pytest.mark.parametrize("setup_backend", [
            "http",
            pytest.param("grpc", marks=pytest.mark.skip(reason="param skip")),
            pytest.param("pd", marks=[pytest.mark.skipif(True, reason="param skipif")]),
        ])
        def test_params(setup_backend): pass
    """)
    pytester.makepyfile(test_module_skip="""
        import pytest
        pytestmark = [pytest.mark.skipif(True, reason="module skip")]

        def test_in_skipped_module(): pass
    """)
    result, document = scenario()
    assert result.ret == 0
    skips = {test["id"]: test.get("skip") for test in document["tests"]}
    assert skips == {
        "test_module_skip.py::test_in_skipped_module": "module skip",
        "test_skips.py::test_function_skip": "function skip",
        "test_skips.py::test_skip_without_reason": "unconditional skip",
        "test_skips.py::test_skipif_true": "true literal",
        "test_skips.py::test_skipif_false": None,
        "test_skips.py::test_skipif_string_false": None,
        "test_skips.py::test_skipif_string_true": "string true",
        "test_skips.py::test_skipif_module_global": "module global",
        "test_skips.py::test_skipif_raises": None,
        "test_skips.py::TestSkippedClass::test_in_class": "class skip",
        "test_skips.py::test_params[http]": None,
        "test_skips.py::test_params[grpc]": "param skip",
        "test_skips.py::test_params[pd]": "param skipif",
    }
    result.stdout.fnmatch_lines(["*test_skips.py::test_skipif_raises: skip condition not evaluated, item kept*ZeroDivisionError*"])
    # The same set pytest itself skips when it runs them (the raising one errors instead).
    run = pytester.runpytest("-rs")
    run.assert_outcomes(passed=3, skipped=9, errors=1)


def test_test_false_is_not_collected(pytester, scenario):
    pytester.makepyfile(test_hidden="""
        class TestHelpers:
            __test__ = False
            def test_helper(self): pass

        def test_hidden(): pass
        test_hidden.__test__ = False

        def test_visible(): pass
    """)
    result, document = scenario()
    assert [test["id"] for test in document["tests"]] == ["test_hidden.py::test_visible"]


SCOPED = """
import pytest

@pytest.fixture(scope="{scope}")
def setup_backend(request, model_pool):
    return request.param

@pytest.fixture(scope="session")
def model_pool():
    return None
"""

TESTS = """
import pytest

@pytest.mark.parametrize("setup_backend", ["http", "grpc"], indirect=True)
class TestBackend:
    def test_a(self, setup_backend): pass
    def test_b(self, setup_backend): pass
"""


@pytest.mark.parametrize("scope, order", [
    ("class", ["test_a[http]", "test_b[http]", "test_a[grpc]", "test_b[grpc]"]),
    ("function", ["test_a[http]", "test_a[grpc]", "test_b[http]", "test_b[grpc]"]),
])
def test_setup_backend_scope_and_order(pytester, scenario, scope, order):
    pytester.makeconftest(SCOPED.format(scope=scope))
    pytester.makepyfile(test_backend=TESTS)
    result, document = scenario()
    assert result.ret == 0
    assert document["fixtureScopes"] == {"setup_backend": scope, "model_pool": "session"}
    ids = ["test_backend.py::TestBackend::" + name for name in order]
    assert [test["id"] for test in document["tests"]] == ids
    assert collected_ids(result) == ids


def test_inheritance_across_modules(pytester, scenario):
    pytester.makepyfile(
        base_suite="""
            import pytest

            @pytest.mark.model("qwen-7b")
            @pytest.mark.e2e
            class SuiteBase:
                def test_inherited(self, model_pool):
                    model_pool.get("qwen-7b")
        """,
        test_derived="""
            import pytest
            from base_suite import SuiteBase

            @pytest.mark.workers(count=2)
            class TestDerived(SuiteBase):
                def test_own(self): pass
        """,
        test_routing="""
            class TestRoutingBase:
                def test_route(self): pass
        """,
        test_routing_more="""
            from test_routing import TestRoutingBase

            class TestMore(TestRoutingBase):
                def test_more(self): pass
        """,
    )
    pytester.makeconftest("import pytest\n@pytest.fixture(scope='session')\ndef model_pool(): pass\n")
    result, document = scenario()
    assert result.ret == 0
    items = by_id(document)
    assert list(items) == [
        "test_derived.py::TestDerived::test_inherited",
        "test_derived.py::TestDerived::test_own",
        "test_routing.py::TestRoutingBase::test_route",
        "test_routing_more.py::TestRoutingBase::test_route",
        "test_routing_more.py::TestMore::test_route",
        "test_routing_more.py::TestMore::test_more",
    ]
    inherited = items["test_derived.py::TestDerived::test_inherited"]
    assert inherited["markers"] == {"model": "qwen-7b", "e2e": True,
                                    "workers": {"count": 2, "prefill": None, "decode": None}}
    assert inherited["uses"] == [{"model": "qwen-7b", "mode": "http"}]
    assert document["fixtureScopes"] == {"model_pool": "session"}


def test_output_is_deterministic_and_written_atomically(pytester):
    pytester.makepyfile(test_x="""
        import pytest
        @pytest.mark.parametrize("v", ["é", 2])
        def test_v(v): pass
    """)
    first = pytester.path / "first" / "a.json"
    first.parent.mkdir()
    second = pytester.path / "b.json"
    pytester.runpytest("--collect-only", f"--gpuci-scenario={first}").assert_outcomes()
    pytester.runpytest("--collect-only", f"--gpuci-scenario={second}").assert_outcomes()
    text = first.read_bytes()
    assert text == second.read_bytes()
    assert text.endswith(b"}\n") and b'\n  "name"' in text and "\"é\"".encode() in text
    assert os.listdir(first.parent) == ["a.json"]


def test_no_scenario_when_collection_fails(pytester, scenario):
    pytester.makepyfile(test_ok="def test_ok(): pass", test_broken="import not_a_module_anywhere")
    result, document = scenario()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert document is None
    result.stdout.fnmatch_lines(["*not writing *scenario.json: 1 error(s) during collection*"])


def test_bad_workers_marker_is_a_located_error(pytester, scenario):
    pytester.makepyfile(test_bad="""
        import pytest
        @pytest.mark.workers(count="two")
        def test_x(): pass
    """)
    result, document = scenario()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert document is None
    result.stderr.fnmatch_lines(["*test_bad.py::test_x: workers(count='two') must be a whole number*"])


def test_smg_worker_pool_sets_the_eviction(pytester, scenario):
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_a="def test_a():\n    pass\n")
    result, document = scenario()
    assert result.ret == 0 and "eviction" not in document
    pytester.mkdir("infra")
    (pytester.path / "infra" / "worker_pool.py").write_text("class WorkerPool:\n    pass\n")
    result, document = scenario()
    assert "eviction" not in document
    (pytester.path / "infra" / "worker_pool.py").write_text(
        "class WorkerPool:\n    def acquire(self, *, model_id, engine):\n        return []\n")
    result, document = scenario()
    assert result.ret == 0 and document["eviction"] == "slots:1"
