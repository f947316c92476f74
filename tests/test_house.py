"""The house rules a newcomer relies on to find things, measured over app/ (STYLE.md habits 4, 14 and 15).

App-wide wiring is registered from create_app, never by a blueprint; no blueprint imports another; the factory
and the CLI import their modules directly; services flush and leave the commit to the caller.
"""

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"

# Blueprint methods that reach beyond the blueprint: every request, every template or every error of the app.
APP_WIDE_HOOK = re.compile(r"\.(app_context_processor|before_app_request|after_app_request|teardown_app_request"
                           r"|app_template_filter|app_template_global|app_template_test|add_app_template_\w+"
                           r"|app_errorhandler|app_url_defaults|app_url_value_preprocessor)\b")



def _blueprint_packages():
    return sorted({path.relative_to(APP).parts[0] for path in APP.rglob("*.py")
                   if len(path.relative_to(APP).parts) > 1 and "Blueprint(" in path.read_text()})


def _imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_the_blueprint_packages_are_the_audiences():
    assert set(_blueprint_packages()) >= {"main", "auth", "admin", "officer", "proposals", "voting", "board",
                                          "results", "translate", "areas", "delivery"}


def test_no_blueprint_package_registers_an_app_wide_hook():
    found = [f"{path.relative_to(APP)}:{number}: {line.strip()}"
             for package in _blueprint_packages() for path in sorted((APP / package).rglob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), 1) if APP_WIDE_HOOK.search(line)]
    assert found == []


def test_no_blueprint_imports_from_another_blueprint():
    packages = _blueprint_packages()
    found = []
    for package in packages:
        for path in sorted((APP / package).rglob("*.py")):
            for module in _imported_modules(path):
                parts = module.split(".")
                if parts[0] == "app" and len(parts) > 1 and parts[1] in packages and parts[1] != package:
                    found.append(f"{path.relative_to(APP)} imports {module}")
    assert found == []


def test_the_factory_and_the_cli_import_their_modules_directly():
    for name in ("__init__.py", "cli.py"):
        source = (APP / name).read_text()
        assert "import_module" not in source, name
        assert "importlib" not in set(_imported_modules(APP / name)), name


def test_no_code_cites_an_issue_number():
    """Docstrings and comments say why in words; an issue number means nothing to the next reader."""
    cited = re.compile(r"\bissues? #?\d+|\(#\d+\)", re.IGNORECASE)
    found = [f"{path.relative_to(APP.parent)}:{number}" for folder in (APP, APP.parent / "migrations")
             for path in sorted(folder.rglob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), 1) if cited.search(line)]
    assert found == []


def test_no_service_commits():
    """Services flush; the view, CLI command or job commits (app.database: the unit of work is the caller's)."""
    found = set()
    for path in sorted((APP / "services").rglob("*.py")):
        for function in ast.walk(ast.parse(path.read_text())):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for call in ast.walk(function):
                    name = getattr(call.func, "attr", None) or getattr(call.func, "id", None) \
                        if isinstance(call, ast.Call) else None
                    if name in ("commit", "write_transaction", "keep_audited_refusal"):
                        found.add((str(path.relative_to(APP / "services")), function.name))
    assert found == set()
