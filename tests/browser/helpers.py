"""Helpers of the browser tests: axe-core run in the page, and where screenshots go."""
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
AXE_FILE = HERE / "vendor" / "axe.min.js"
# axe is served from the live server's own origin by the route handler of conftest.py, read
# from the vendored file: the app's Content-Security-Policy (script-src 'self')
# stays in force, so the tests see the pages exactly as a reader's browser does.
AXE_URL_PATH = "/__browser-tests__/axe.min.js"
ARTIFACTS = HERE / "artifacts"
SERIOUS = ("serious", "critical")


def run_axe(page):
    """The page's serious and critical accessibility violations found by axe-core, as dicts."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL_PATH)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [violation for violation in results["violations"] if violation.get("impact") in SERIOUS]


def format_violations(violations):
    """Axe violations as readable text for an assertion message."""
    if not violations:
        return "no serious or critical axe violations"
    lines = [f"{len(violations)} serious/critical axe violation(s):"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"      {summary[:400]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page):
    violations = run_axe(page)
    assert not violations, f"{page.url}\n{format_violations(violations)}"
