"""The confidentiality policy (consult/consultations/visibility.py) is the only place that knows the
levels: nothing else compares a confidentiality value, and a level it does not know stays with the
secretariat everywhere (issue 13)."""
import ast
import re
from pathlib import Path

from consult.consultations import visibility

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "consult" / "consultations" / "visibility.py"


def _names_confidentiality(node):
    return (isinstance(node, ast.Attribute) and node.attr == "confidentiality") or \
        (isinstance(node, ast.Name) and node.id == "confidentiality")


def _is_level(node):
    return isinstance(node, ast.Constant) and node.value in visibility.LEVELS


def _level_compared(operands):
    """A level literal compared: "anonymous" and "confidential" always; "public" (also a meeting's
    visibility) when the other side speaks of a level."""
    for operand in operands:
        if _is_level(operand):
            others = " ".join(ast.unparse(o) for o in operands if o is not operand).lower()
            if operand.value != "public" or "level" in others or "confidential" in others:
                return True
    return False


def direct_comparisons(source, filename):
    """(line, code) of every comparison of a confidentiality value outside the policy: `x.confidentiality
    == ...`, `... in (levels)`, a level literal compared with anything, `.in_()`/`.not_in()` on the column
    with anything but a policy call."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_names_confidentiality(o) for o in operands) or _level_compared(operands):
                found.append((node.lineno, ast.unparse(node)))
            elif any(isinstance(o, (ast.Tuple, ast.List, ast.Set)) and any(_is_level(e) and e.value != "public" for e in o.elts)
                     for o in operands):
                found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("in_", "not_in", "notin_", "__eq__", "__ne__") and _names_confidentiality(node.func.value):
            argument = node.args[0] if node.args else None
            from_policy = isinstance(argument, ast.Call) and "visibility" in ast.unparse(argument.func)
            if not from_policy:
                found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_code_outside_the_policy_compares_a_confidentiality_value():
    offenders = []
    for path in sorted((ROOT / "consult").rglob("*.py")):
        if path == POLICY:
            continue
        for line, code in direct_comparisons(path.read_text(encoding="utf-8"), str(path)):
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {code}")
    assert not offenders, "compare through consult.consultations.visibility instead:\n" + "\n".join(offenders)


def test_no_template_compares_a_confidentiality_value():
    pattern = re.compile(r"confidentiality\s*(==|!=|\bin\b|\bnot in\b)|['\"](public|anonymous|confidential)['\"]\s*(==|!=)")
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for path in sorted((ROOT / "templates").rglob("*.*"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert not offenders, "\n".join(offenders)


def test_the_checker_finds_what_it_must():
    """The two tests above can fail: each form of direct comparison is caught."""
    samples = [
        "x = s.confidentiality == 'public'",
        "x = s.confidentiality != 'confidential'",
        "x = level in ('public', 'anonymous')",
        "q = select(S).where(S.confidentiality.in_(('public', 'anonymous')))",
        "x = 'anonymous' == level",
        "x = level == 'public'",
    ]
    for sample in samples:
        assert direct_comparisons(sample, "<sample>"), sample
    assert not direct_comparisons("q = S.confidentiality.in_(visibility.readable_levels(a))", "<ok>")


def test_an_unknown_level_is_confidential_everywhere():
    for audience in visibility.AUDIENCES:
        for aspect in visibility.ASPECTS:
            expected = audience in (visibility.SECRETARIAT, visibility.SUBMITTER)
            assert visibility.may("embargoed", audience, aspect) is expected, (audience, aspect)
    assert not visibility.quotable("embargoed") and not visibility.named("embargoed")
    assert not visibility.translatable("embargoed") and not visibility.disclosed_in_figures("embargoed")
    assert visibility.reported_level("embargoed") == visibility.CONFIDENTIAL_LEVEL
    assert visibility.stricter_levels("embargoed") == ()
    assert "embargoed" not in visibility.readable_levels(visibility.PUBLIC)
    assert not visibility.may_link(("public", "embargoed"), visibility.REVIEWER)
    # An unknown audience or aspect sees nothing either.
    assert not visibility.may("public", "journalist", "text")
    assert not visibility.may("public", visibility.PUBLIC, "contact")


def policy_table():
    """The README's table, made from the policy itself."""
    readers = (visibility.REVIEWER, visibility.MEMBER, visibility.PUBLIC)
    lines = ["| level | " + " | ".join(f"{reader}: sees" for reader in readers) + " | report |",
             "|---|" + "---|" * (len(readers) + 1)]
    for level in visibility.LEVELS:
        cells = [", ".join(aspect for aspect in visibility.ASPECTS if visibility.may(level, reader, aspect)) or "nothing"
                 for reader in readers]
        report = ", ".join(word for word, allowed in (("quoted", visibility.quotable(level)),
                                                      ("named", visibility.named(level)),
                                                      ("in figures by country etc.", visibility.disclosed_in_figures(level)),
                                                      ("machine-translated", visibility.translatable(level))) if allowed)
        lines.append(f"| {level} | " + " | ".join(cells) + f" | {report or 'counted only (in one “not disclosed” row)'} |")
    return "\n".join(lines)


def test_the_readme_states_the_policy_as_the_code_has_it():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert policy_table() in readme, "put this table in the README:\n" + policy_table()
