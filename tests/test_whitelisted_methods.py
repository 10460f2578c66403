"""Every whitelisted method of the app checks its arguments (support_hub.api.arguments) before it runs.

Read from the source, without Frappe: a method added with @frappe.whitelist but without
@validate_arguments would answer a missing or mistyped argument with a 500 and a traceback.
"""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "apps" / "support_hub" / "support_hub"


def _name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return ast.unparse(target)


def whitelisted_functions():
    for path in sorted(APP.rglob("*.py")):
        if "/engine/" in str(path) or path.name.startswith("test_"):
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names = [_name(d) for d in node.decorator_list]
                if "frappe.whitelist" in names:
                    yield f"{path.relative_to(APP)}:{node.lineno} {node.name}", names


def test_the_app_has_whitelisted_methods():
    assert len(list(whitelisted_functions())) >= 10


def test_every_whitelisted_method_validates_its_arguments_first():
    unchecked = []
    for where, names in whitelisted_functions():
        position = names.index("frappe.whitelist")
        # Directly under frappe.whitelist, so the check runs before any other decorator (a rate limit
        # keyed on an argument would otherwise meet the raw value first).
        if names[position + 1 : position + 2] != ["validate_arguments"]:
            unchecked.append(where)
    assert not unchecked, f"put @validate_arguments right under @frappe.whitelist: {unchecked}"
