"""The layout of the tests: helpers are imported from tests/helpers.py (and the other helper modules), fixtures
come from the conftests and from tests/fixtures/ (registered by `pytest_plugins`); no module imports a conftest.

Importing a conftest makes it a second module next to the one pytest loaded (its fixtures registered twice,
its module state, such as the upload folder, created twice) and hides where a fixture comes from.
"""
import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def conftest_imports(source):
    """The imports of a conftest in `source` (Python text), as written."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            names = (node.module or "").split(".") + [alias.name for alias in node.names]
            if "conftest" in names:
                found.append(f"from {'.' * node.level}{node.module or ''} import "
                             + ", ".join(alias.name for alias in node.names))
        elif isinstance(node, ast.Import):
            found += [f"import {alias.name}" for alias in node.names if "conftest" in alias.name.split(".")]
    return found


def test_no_module_of_the_tests_imports_a_conftest():
    # The checker finds every way of writing such an import (so that this test can fail)...
    assert conftest_imports("from tests.conftest import login") == ["from tests.conftest import login"]
    assert conftest_imports("from .conftest import pdf_pages")
    assert conftest_imports("from . import conftest")
    assert conftest_imports("import tests.meetings.conftest")
    assert conftest_imports("import conftest")
    assert conftest_imports("def f():\n    from tests.reports.conftest import report_call\n")
    assert conftest_imports("from tests.helpers import login\nimport tests.fixtures.meetings") == []
    # ... and finds none in the tests.
    offenders = [f"{path.relative_to(TESTS.parent)}: {line}"
                 for path in sorted(TESTS.rglob("*.py"))
                 for line in conftest_imports(path.read_text(encoding="utf-8"))]
    assert not offenders, "import helpers from tests/helpers.py, fixtures come by themselves:\n" + "\n".join(offenders)
