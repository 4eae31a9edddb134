"""Every setting the app reads is documented: docs/configuration.md names
each one config.py sets or reads and each one the code reads from
app.config; the README's table names each one the environment may set.
The names are read from the code itself (ast), so a new setting without
its line in the documentation fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from eventsapp.config import ENVIRONMENT_SETTINGS

ROOT = Path(__file__).resolve().parent.parent
SETTING = re.compile(r"[A-Z][A-Z0-9_]{2,}")


def _is_config(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "config") or (
        isinstance(node, ast.Name) and node.id == "config"
    )


def _key(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def names_in_config_module() -> set[str]:
    """The attributes of Defaults and every setting name config.py spells out."""
    tree = ast.parse((ROOT / "eventsapp" / "config.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if _key(node) and SETTING.fullmatch(node.value):
            names.add(node.value)
        if isinstance(node, ast.ClassDef) and node.name == "Defaults":
            for item in node.body:
                targets = [item.target] if isinstance(item, ast.AnnAssign) else getattr(item, "targets", [])
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def names_read_by_the_code() -> set[str]:
    """Every key read as config["X"] or config.get("X") anywhere in eventsapp/."""
    names = set()
    for path in (ROOT / "eventsapp").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Subscript) and _is_config(node.value) and _key(node.slice):
                names.add(node.slice.value)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and _is_config(node.func.value)
                and node.args
                and _key(node.args[0])
            ):
                names.add(node.args[0].value)
    return names


def mentioned(path: Path) -> set[str]:
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", path.read_text()))


def test_the_parsers_find_the_settings_they_look_for():
    """(So that the checks below cannot pass by finding nothing.)"""
    assert {"MAIL_TIMEOUT", "MAIL_RETRY_HOURS", "WORKER_INTERVAL_SECONDS", "SECRET_KEY"} <= names_in_config_module()
    assert {"SERVER_NAME", "PREFERRED_URL_SCHEME", "MAIL_LEASE_SECONDS"} <= names_read_by_the_code()


def test_docs_configuration_names_every_setting_the_app_reads():
    missing = (names_in_config_module() | names_read_by_the_code()) - mentioned(ROOT / "docs" / "configuration.md")
    assert not missing, f"docs/configuration.md does not mention: {sorted(missing)}"


def test_the_readme_table_names_every_setting_the_environment_may_set():
    missing = set(ENVIRONMENT_SETTINGS) - mentioned(ROOT / "README.md")
    assert not missing, f"README.md's configuration table does not mention: {sorted(missing)}"
