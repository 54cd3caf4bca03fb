"""Translate collected pytest items into gpuci scenario entries.

The rules mirror gpuci's static importer (``Sources/GPUCISimulation/PytestCollector.swift``) so
that, for a tree both can read, ``gpuci scenario import`` and this plugin produce the same items:

* ``markers``: ``model`` (first argument of the closest ``model`` mark), ``e2e`` (only when
  present), ``workers`` (closest mark: count / prefill / decode, ``null`` when not given),
  ``gateway`` (closest mark: policy, default ``round_robin``; timeout and extra_args only when
  given), ``parametrize`` (every parametrize mark, closest first, with its whole value list).
* ``params``: the item's parameter values as text, the way pytest builds ids from literals
  (``str`` as is, numbers with ``str()``, ``True``/``False``/``None``); any other value is
  ``<argname><index>``, pytest's id for it.
* ``uses``: ``model_pool.get("model", ConnectionMode.X)`` calls in the test body, in source order;
  ``gateways``: ``["igw"]`` when the body contains ``igw_mode=True``.
* ``skip``: pytest's reason when its ``skip`` / ``skipif`` marks skip the item.

Keys the importer leaves out for an item (no markers, no params, ...) are left out here too.
"""

from __future__ import annotations

import ast
import inspect
import os
import tokenize
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

#: Most workers of one kind a marker may ask for (``WorkersMarker.maximumCount`` in gpuci).
MAXIMUM_WORKERS = 4096

_LITERAL_TYPES = (str, bytes, int, float, bool, type(None))


class ScenarioError(Exception):
    """A marker gpuci cannot represent; the message names the item."""


def literal_text(value: Any) -> Optional[str]:
    """pytest's id text for a literal value; ``None`` for values pytest names ``argnameN``.

    Exact types only: an ``Enum`` deriving from ``str`` is not a literal in the source, and the
    importer names it ``argnameN`` as well.
    """
    kind = type(value)
    if kind not in _LITERAL_TYPES:
        return None
    if kind is bytes:
        return value.decode("latin-1")
    if value is None:
        return "None"
    return str(value)


def _argnames(mark: Any) -> List[str]:
    names = mark.args[0] if mark.args else mark.kwargs.get("argnames")
    if isinstance(names, str):
        return [part.strip() for part in names.split(",") if part.strip()]
    if isinstance(names, (list, tuple)):
        return [name for name in names if isinstance(name, str)]
    return []


def _parametrize(mark: Any, item_id: str) -> Dict[str, Any]:
    names = _argnames(mark)
    if not names:
        raise ScenarioError(f"{item_id}: parametrize has no argument names")
    values = mark.args[1] if len(mark.args) >= 2 else mark.kwargs.get("argvalues", ())
    texts: List[Any] = []
    for index, raw in enumerate(values):
        is_param = type(raw).__name__ == "ParameterSet"
        if len(names) == 1:
            single = raw.values[0] if is_param and raw.values else raw
            text = literal_text(single)
            texts.append(text if text is not None else f"{names[0]}{index}")
        else:
            parts = raw.values if is_param else raw
            if not isinstance(parts, (list, tuple)) or len(parts) != len(names):
                raise ScenarioError(
                    f"{item_id}: parametrize value {index + 1} does not have {len(names)} items for {','.join(names)}"
                )
            row = []
            for name, part in zip(names, parts):
                text = literal_text(part)
                row.append(text if text is not None else f"{name}{index}")
            texts.append(row)
    entry: Dict[str, Any] = {"argnames": ",".join(names), "values": texts}
    indirect = mark.kwargs.get("indirect", False)
    if indirect is True or (isinstance(indirect, (list, tuple)) and len(indirect) > 0):
        entry["indirect"] = True
    return entry


def _count(mark: Any, key: str, item_id: str) -> Optional[int]:
    value = mark.kwargs.get(key)
    if value is None:
        return None
    if type(value) is not int:
        raise ScenarioError(f"{item_id}: workers({key}={value!r}) must be a whole number")
    if not 0 <= value <= MAXIMUM_WORKERS:
        raise ScenarioError(f"{item_id}: workers({key}={value}) is not a count from 0 to {MAXIMUM_WORKERS}")
    return value


def markers(item: pytest.Item) -> Dict[str, Any]:
    """The item's gpuci markers (only keys with a value), closest mark first."""
    item_id = item.nodeid
    result: Dict[str, Any] = {}
    model = item.get_closest_marker("model")
    if model is not None and model.args:
        if not isinstance(model.args[0], str):
            raise ScenarioError(f"{item_id}: @pytest.mark.model needs a string, got {model.args[0]!r}")
        result["model"] = model.args[0]
    if item.get_closest_marker("e2e") is not None:
        result["e2e"] = True
    workers = item.get_closest_marker("workers")
    if workers is not None:
        result["workers"] = {key: _count(workers, key, item_id) for key in ("count", "prefill", "decode")}
    gateway = item.get_closest_marker("gateway")
    if gateway is not None:
        policy = gateway.kwargs.get("policy")
        entry: Dict[str, Any] = {"policy": policy if isinstance(policy, str) else "round_robin"}
        timeout = gateway.kwargs.get("timeout")
        if type(timeout) in (int, float):
            if not timeout > 0:
                raise ScenarioError(f"{item_id}: gateway(timeout={timeout}) must be > 0")
            entry["timeout"] = timeout
        extra = gateway.kwargs.get("extra_args")
        if isinstance(extra, (list, tuple)):
            args = [arg for arg in extra if isinstance(arg, str)]
            if args:
                entry["extra_args"] = args
        result["gateway"] = entry
    parametrize = [_parametrize(mark, item_id) for mark in item.iter_markers(name="parametrize")]
    if parametrize:
        result["parametrize"] = parametrize
    return result


def params(item: pytest.Item) -> Dict[str, str]:
    """The item's parameter values as text (see :func:`literal_text`)."""
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return {}
    result = {}
    for name, value in callspec.params.items():
        text = literal_text(value)
        result[name] = text if text is not None else f"{name}{callspec.indices.get(name, 0)}"
    return result


class SourceIndex:
    """Parsed source files (syntax tree and tokens), each read once per session."""

    def __init__(self) -> None:
        self._files: Dict[str, Optional[Tuple[ast.AST, List[tokenize.TokenInfo]]]] = {}
        self._bodies: Dict[Any, Tuple[List[Dict[str, str]], List[str]]] = {}

    def _parsed(self, path: str) -> Optional[Tuple[ast.AST, List[tokenize.TokenInfo]]]:
        if path not in self._files:
            try:
                with tokenize.open(path) as handle:
                    text = handle.read()
                tree = ast.parse(text, filename=path)
                with open(path, "rb") as handle:
                    tokens = list(tokenize.tokenize(handle.readline))
                self._files[path] = (tree, tokens)
            except (OSError, SyntaxError, UnicodeDecodeError, tokenize.TokenError):
                self._files[path] = None
        return self._files[path]

    def body_calls(self, function: Callable[..., Any]) -> Tuple[List[Dict[str, str]], List[str]]:
        """``uses`` and ``gateways`` of a test function's body; empty when its source is not found."""
        function = inspect.unwrap(function)
        code = getattr(function, "__code__", None)
        if code is None:
            return [], []
        key = (code.co_filename, code.co_firstlineno, code.co_name)
        if key not in self._bodies:
            self._bodies[key] = self._scan(function, code)
        uses, gateways = self._bodies[key]
        return [dict(use) for use in uses], list(gateways)

    def _scan(self, function: Callable[..., Any], code: Any) -> Tuple[List[Dict[str, str]], List[str]]:
        try:
            path = inspect.getsourcefile(function)
        except TypeError:
            path = None
        parsed = self._parsed(path) if path else None
        if parsed is None:
            return [], []
        tree, tokens = parsed
        node = _find_def(tree, code.co_name, code.co_firstlineno)
        if node is None or not node.body:
            return [], []
        start = (node.body[0].lineno, node.body[0].col_offset)
        last = node.body[-1]
        end = (last.end_lineno, last.end_col_offset)
        calls = []
        for statement in node.body:
            for child in ast.walk(statement):
                if isinstance(child, ast.Call):
                    use = _pool_get(child)
                    if use is not None:
                        calls.append(((child.func.lineno, child.func.col_offset), use))
        uses = [use for _, use in sorted(calls, key=lambda pair: pair[0])]
        significant = [
            token for token in tokens
            if start <= token.start and token.end <= end
            and token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)
        ]
        igw = any(
            first.type == tokenize.NAME and first.string == "igw_mode"
            and second.type == tokenize.OP and second.string == "="
            and third.type == tokenize.NAME and third.string == "True"
            for first, second, third in zip(significant, significant[1:], significant[2:])
        )
        return uses, (["igw"] if igw else [])


def _find_def(tree: ast.AST, name: str, first_line: int) -> Optional[ast.AST]:
    """The ``def`` named ``name`` whose decorators or ``def`` line is ``first_line``."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            lines = {node.lineno} | {decorator.lineno for decorator in node.decorator_list}
            if first_line in lines:
                return node
    return None


def _dotted(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def _pool_get(call: ast.Call) -> Optional[Dict[str, str]]:
    """``{"model": m, "mode": "http"|"grpc"}`` for ``model_pool.get("m", mode)``, else ``None``."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "get"):
        return None
    owner = func.value
    if not ((isinstance(owner, ast.Name) and owner.id == "model_pool")
            or (isinstance(owner, ast.Attribute) and owner.attr == "model_pool")):
        return None
    args = call.args
    if not args or not (isinstance(args[0], ast.Constant) and type(args[0].value) is str):
        return None
    if len(args) > 1:
        mode_node: Optional[ast.AST] = args[1]
    else:
        mode_node = next((keyword.value for keyword in call.keywords if keyword.arg == "mode"), None)
    mode = "http"
    if mode_node is not None:
        dotted = _dotted(mode_node)
        if dotted is not None:
            mode = "grpc" if dotted.lower().endswith("grpc") else "http"
        elif isinstance(mode_node, ast.Constant) and type(mode_node.value) is str:
            mode = mode_node.value.lower() if mode_node.value.lower() in ("http", "grpc") else "http"
    return {"model": args[0].value, "mode": mode}


def skip_reason(item: pytest.Item) -> Tuple[Optional[str], Optional[str]]:
    """``(reason, None)`` when pytest's skip/skipif marks skip the item, ``(None, None)`` when they
    do not, ``(None, problem)`` when a condition could not be evaluated (pytest would report an
    error for the item at setup; it is kept in the scenario)."""
    try:
        from _pytest.skipping import evaluate_skip_marks
    except ImportError:  # pragma: no cover - pytest moved its private helper
        evaluate_skip_marks = _evaluate_skip_marks
    try:
        skipped = evaluate_skip_marks(item)
    except (Exception, pytest.fail.Exception) as error:  # Failed is a BaseException
        message = getattr(error, "msg", None) or str(error)
        return None, " ".join(message.split())
    if skipped is None:
        return None, None
    return (skipped.reason or "unconditional skip"), None


def _evaluate_skip_marks(item: pytest.Item) -> Any:
    """A reduced stand-in for ``_pytest.skipping.evaluate_skip_marks`` (boolean conditions only)."""

    class Skip:
        def __init__(self, reason: str = "unconditional skip") -> None:
            self.reason = reason

    for mark in item.iter_markers(name="skipif"):
        conditions = mark.args if "condition" not in mark.kwargs else (mark.kwargs["condition"],)
        if not conditions:
            return Skip(mark.kwargs.get("reason", ""))
        for condition in conditions:
            if isinstance(condition, str):
                raise ValueError(f"cannot evaluate string condition {condition!r} without pytest's skipping module")
            if condition:
                return Skip(mark.kwargs.get("reason", ""))
    for mark in item.iter_markers(name="skip"):
        return Skip(*mark.args, **mark.kwargs)
    return None


def fixture_scopes(item: pytest.Item) -> Dict[str, str]:
    """Scope of each fixture in the item's closure (direct-parametrization stand-ins left out)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return {}
    result = {}
    for name in info.names_closure:
        definitions = info.name2fixturedefs.get(name)
        if not definitions:
            continue
        definition = definitions[-1]
        if getattr(definition.func, "__name__", "") == "get_direct_param_fixture_func":
            continue
        scope = definition.scope
        result[name] = scope if isinstance(scope, str) else getattr(scope, "value", str(scope))
    return result


def entry(item: pytest.Item, sources: SourceIndex) -> Tuple[Dict[str, Any], Optional[str]]:
    """The scenario entry of one item, and a problem to warn about (or ``None``)."""
    result: Dict[str, Any] = {"id": item.nodeid}
    found = markers(item)
    if found:
        result["markers"] = found
    values = params(item)
    if values:
        result["params"] = values
    function = getattr(item, "function", None)
    if function is not None:
        uses, gateways = sources.body_calls(function)
        if uses:
            result["uses"] = uses
        if gateways:
            result["gateways"] = gateways
    reason, problem = skip_reason(item)
    if reason is not None:
        result["skip"] = reason
    return result, problem


def keeps_smg_worker_pool(root: str) -> bool:
    """Whether the tree keeps smg's session worker pool where its e2e tree does:
    ``infra/worker_pool.py`` under the rootdir, defining a ``WorkerPool`` class with an ``acquire``
    method (as ``gpuci scenario import`` checks). Its policy is gpuci's ``slots:1``."""
    path = os.path.join(root, "infra", "worker_pool.py")
    try:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), path)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return False
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "WorkerPool":
            return any(isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) and member.name == "acquire"
                       for member in node.body)
    return False

