"""--gpuci-order: the collection is reordered to the file; bad lines are located errors."""

import pytest

from conftest import collected_ids, load

MODULE = """
class TestA:
    def test_one(self): pass
    def test_two(self): pass

def test_three(): pass

def test_four(): pass
"""


@pytest.fixture
def module(pytester):
    pytester.makepyfile(test_mod=MODULE)
    return "test_mod.py"


def test_order_file_is_applied(pytester, module):
    wanted = ["test_mod.py::test_four", "test_mod.py::TestA::test_two", "test_mod.py::test_three",
              "test_mod.py::TestA::test_one"]
    order = pytester.path / "order.txt"
    order.write_text("# run order\n\n" + "\n".join(wanted[:2]) + "\n   \n" + "\n".join(wanted[2:]) + "\n")
    result = pytester.runpytest("--collect-only", "-q", f"--gpuci-order={order}",
                                f"--gpuci-scenario={pytester.path / 'out.json'}")
    assert result.ret == 0
    assert collected_ids(result) == wanted
    assert [test["id"] for test in load(pytester.path / "out.json")["tests"]] == wanted
    assert "not in the order file" not in result.stdout.str()


def test_unlisted_items_follow_in_collection_order(pytester, module):
    (pytester.path / "order.txt").write_text("test_mod.py::test_four\ntest_mod.py::TestA::test_two\n")
    result = pytester.runpytest("--collect-only", "-q", "--gpuci-order=order.txt")
    assert result.ret == 0
    assert collected_ids(result) == ["test_mod.py::test_four", "test_mod.py::TestA::test_two",
                                     "test_mod.py::TestA::test_one", "test_mod.py::test_three"]
    result.stdout.fnmatch_lines(["*order.txt: 2 collected item(s) not in the order file run after the listed ones*"])


def test_uncollected_id_is_an_error_naming_file_and_line(pytester, module):
    (pytester.path / "order.txt").write_text(
        "test_mod.py::test_four\n# comment\ntest_mod.py::test_nope\ntest_mod.py::TestA::test_one\nother.py::test_x\n"
    )
    result = pytester.runpytest("--collect-only", "-q", "--gpuci-order=order.txt")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*order.txt:3: 'test_mod.py::test_nope' was not collected*",
                                 "*order.txt:5: 'other.py::test_x' was not collected*"])


def test_duplicate_line_is_an_error(pytester, module):
    (pytester.path / "order.txt").write_text("test_mod.py::test_four\n\ntest_mod.py::test_four\n")
    result = pytester.runpytest("--collect-only", "-q", "--gpuci-order=order.txt")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*order.txt:3: 'test_mod.py::test_four' is listed twice (first at line 1)*"])


def test_missing_order_file_is_an_error(pytester, module):
    result = pytester.runpytest("--collect-only", "-q", "--gpuci-order=absent.txt")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--gpuci-order: cannot read *absent.txt*"])


def test_deselected_ids_are_warnings_not_errors(pytester, module):
    (pytester.path / "order.txt").write_text(
        "test_mod.py::test_four\ntest_mod.py::test_three\ntest_mod.py::TestA::test_one\n"
    )
    result = pytester.runpytest("--collect-only", "-q", "--gpuci-order=order.txt", "-k", "not three and not two")
    assert result.ret == 0
    assert collected_ids(result) == ["test_mod.py::test_four", "test_mod.py::TestA::test_one"]
    result.stdout.fnmatch_lines(["*order.txt:2: 'test_mod.py::test_three' not collected (deselected?)*"])
    assert "not in the order file" not in result.stdout.str()


def test_order_runs_after_fixture_reordering(pytester):
    # pytest groups items by the class-scoped parameter; the order file still wins.
    pytester.makepyfile(test_scoped="""
        import pytest

        @pytest.fixture(scope="class")
        def setup_backend(request):
            return request.param

        @pytest.mark.parametrize("setup_backend", ["a", "b"], indirect=True)
        class TestX:
            def test_1(self, setup_backend): pass
            def test_2(self, setup_backend): pass
    """)
    natural = collected_ids(pytester.runpytest("--collect-only", "-q"))
    assert natural == ["test_scoped.py::TestX::test_1[a]", "test_scoped.py::TestX::test_2[a]",
                       "test_scoped.py::TestX::test_1[b]", "test_scoped.py::TestX::test_2[b]"]
    wanted = [natural[0], natural[2], natural[1], natural[3]]
    (pytester.path / "order.txt").write_text("\n".join(wanted) + "\n")
    assert collected_ids(pytester.runpytest("--collect-only", "-q", "--gpuci-order=order.txt")) == wanted
