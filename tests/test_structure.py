"""The structure the README's "Layers" section describes, checked: the import contracts in setup.cfg
(import-linter), no import hidden inside a function without a reason, modules of a readable size, and
view modules named by one rule."""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "consult"
MAX_LINES = 400
# Modules that are data, not logic, may be longer.
DATA_MODULES = {"consult/core/reference_data.py"}  # the GCM objectives, principles, countries and constituencies


def _modules():
    return sorted(PACKAGE.rglob("*.py"))


def _relative(path):
    return path.relative_to(ROOT).as_posix()


def test_the_import_contracts_hold():
    """Core below features, features below the composition, no cycles (setup.cfg, [importlinter])."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--config", str(ROOT / "setup.cfg")], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_the_contracts_catch_a_feature_imported_by_the_core(tmp_path):
    """The check can fail: a copy of the package whose core imports a feature breaks the layers contract."""
    copy = tmp_path / "consult"
    subprocess.run(["cp", "-r", str(PACKAGE), str(copy)], check=True)
    (copy / "core" / "planted.py").write_text("from ..reports import services  # noqa: F401\n")
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--config", str(ROOT / "setup.cfg")], cwd=tmp_path, capture_output=True,
                            text=True, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert "consult.core.planted" in result.stdout


def _inner_imports(path):
    """(line, text) of each import inside a function with no comment saying why on it or the line above."""
    source = path.read_text()
    lines = source.splitlines()
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                here, above = lines[node.lineno - 1], lines[node.lineno - 2] if node.lineno > 1 else ""
                if "#" not in here and not above.strip().startswith("#"):
                    found.append((node.lineno, here.strip()))
    return found


def test_no_import_hides_inside_a_function_without_a_reason():
    hidden = {_relative(path): _inner_imports(path) for path in _modules()}
    assert {path: found for path, found in hidden.items() if found} == {}


def test_the_inner_import_check_can_fail(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("def f():\n    from os import path\n    return path\n\n\ndef g():\n"
                       "    # Lazy: the library is heavy.\n    import json\n    return json\n")
    assert _inner_imports(planted) == [(2, "from os import path")]


def test_modules_stay_readable():
    long = {_relative(path): n for path in _modules()
            if (n := len(path.read_text().splitlines())) > MAX_LINES and _relative(path) not in DATA_MODULES}
    assert long == {}


def _is_view_module(path):
    return path.name == "views.py" or path.parent.name == "views"


def test_view_modules_follow_one_rule():
    """Pages live in a feature's views.py, or once it grows, in its views/ package split by audience
    (public.py, admin.py, review.py ...): never in a module named otherwise."""
    misplaced = []
    for path in _modules():
        source = path.read_text()
        if ("Blueprint(" in source or ".route(" in source) and not _is_view_module(path):
            misplaced.append(_relative(path))
    assert misplaced == []
