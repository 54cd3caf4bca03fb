"""pytest hooks: ``--gpuci-scenario`` / ``--gpuci-topology`` / ``--gpuci-name`` and ``--gpuci-order``.

``--gpuci-order FILE`` reorders the collected items to the file's order (one node id a line,
blank lines and ``#`` comments ignored) after every other ``pytest_collection_modifyitems`` hook,
so after pytest's fixture-based reordering and after ``-k`` / ``-m`` deselection.

``--gpuci-scenario FILE`` writes the session's final item list (after ``--gpuci-order`` too) as a
gpuci scenario in JSON, atomically, from ``pytest_collection_finish``.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from typing import Any, Dict, List, Optional, Set, Tuple

import pytest

from . import scenario

#: Most problems listed in one usage error before the rest are counted.
_MAXIMUM_LISTED = 20


class GpuciWarning(pytest.PytestWarning):
    """A problem the plugin reports without stopping the session."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gpuci", "gpuci scenario export and ordering")
    group.addoption("--gpuci-scenario", metavar="FILE", default=None,
                    help="write the collected items as a gpuci scenario (JSON) to FILE")
    group.addoption("--gpuci-topology", metavar="NAME", default="a10-4",
                    help="topology the scenario names (default: a10-4)")
    group.addoption("--gpuci-name", metavar="NAME", default=None,
                    help="the scenario's name (default: the last path argument's folder or file name)")
    group.addoption("--gpuci-order", metavar="FILE", default=None,
                    help="run the collected items in FILE's order (one node id a line)")


def read_order_file(path: str) -> List[Tuple[int, str]]:
    """``(line number, node id)`` for each entry of an order file; duplicates are a usage error."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise pytest.UsageError(f"--gpuci-order: cannot read {path}: {error}") from None
    entries: List[Tuple[int, str]] = []
    first: Dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text in first:
            raise pytest.UsageError(f"{path}:{number}: '{text}' is listed twice (first at line {first[text]})")
        first[text] = number
        entries.append((number, text))
    return entries


class GpuciPlugin:
    """Per-session state: the order file's entries, deselected ids, the scenario path."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        base = str(config.invocation_params.dir)
        order = config.getoption("gpuci_order")
        self.order_path: Optional[str] = order
        self.order = read_order_file(os.path.join(base, order)) if order else []
        target = config.getoption("gpuci_scenario")
        self.scenario_path: Optional[str] = os.path.join(base, target) if target else None
        self.deselected: Set[str] = set()

    def pytest_deselected(self, items: List[pytest.Item]) -> None:
        self.deselected.update(item.nodeid for item in items)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config,
                                      items: List[pytest.Item]) -> None:
        if self.order_path is None:
            return
        by_id = {item.nodeid: item for item in items}
        listed: List[pytest.Item] = []
        errors: List[str] = []
        for number, node_id in self.order:
            item = by_id.get(node_id)
            if item is not None:
                listed.append(item)
            elif node_id in self.deselected:
                warnings.warn(GpuciWarning(f"{self.order_path}:{number}: '{node_id}' not collected (deselected?)"))
            else:
                errors.append(f"{self.order_path}:{number}: '{node_id}' was not collected")
        if errors:
            shown = errors[:_MAXIMUM_LISTED]
            if len(errors) > len(shown):
                shown.append(f"... and {len(errors) - len(shown)} more")
            raise pytest.UsageError("--gpuci-order: " + "\n".join(shown))
        chosen = {id(item) for item in listed}
        rest = [item for item in items if id(item) not in chosen]
        if rest:
            warnings.warn(GpuciWarning(
                f"{self.order_path}: {len(rest)} collected item(s) not in the order file run after the listed ones"
            ))
        items[:] = listed + rest

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self.scenario_path is None:
            return
        if session.testsfailed:
            warnings.warn(GpuciWarning(
                f"not writing {self.scenario_path}: {session.testsfailed} error(s) during collection"
            ))
            return
        try:
            document = build(session.items, self.config)
        except scenario.ScenarioError as error:
            raise pytest.UsageError(f"--gpuci-scenario: {error}") from None
        write_atomically(self.scenario_path, render(document))


def build(items: List[pytest.Item], config: pytest.Config) -> Dict[str, Any]:
    """The scenario document for ``items`` in their order."""
    sources = scenario.SourceIndex()
    tests = []
    scopes: Dict[str, str] = {}
    scope_owner: Dict[str, str] = {}
    for item in items:
        entry, problem = scenario.entry(item, sources)
        if problem is not None:
            warnings.warn(GpuciWarning(f"{item.nodeid}: skip condition not evaluated, item kept: {problem}"))
        tests.append(entry)
        for name, scope in scenario.fixture_scopes(item).items():
            if name not in scopes:
                scopes[name] = scope
                scope_owner[name] = item.nodeid
            elif scopes[name] != scope:
                warnings.warn(GpuciWarning(
                    f"{item.nodeid}: fixture '{name}' is {scope}-scoped here but {scopes[name]}-scoped for "
                    f"{scope_owner[name]}; the scenario keeps {scopes[name]}"
                ))
    document = {
        "name": config.getoption("gpuci_name") or default_name(config),
        "topology": config.getoption("gpuci_topology"),
        "fixtureScopes": scopes,
        "tests": tests,
    }
    if scenario.keeps_smg_worker_pool(str(config.rootpath)):
        document["eviction"] = "slots:1"
    return document


def default_name(config: pytest.Config) -> str:
    """The last path argument's last component, as ``gpuci scenario import`` names a scenario."""
    args = [arg for arg in config.args if arg]
    if not args:
        return "imported"
    path = args[-1].split("::", 1)[0]
    return os.path.basename(os.path.abspath(os.path.join(str(config.invocation_params.dir), path))) or "imported"


def render(document: Dict[str, Any]) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8 text, trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    except OSError as error:
        raise pytest.UsageError(f"--gpuci-scenario: cannot write {path}: {error}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller writes and orders
        return
    if config.getoption("gpuci_scenario") or config.getoption("gpuci_order"):
        config.pluginmanager.register(GpuciPlugin(config), "gpuci-session")
