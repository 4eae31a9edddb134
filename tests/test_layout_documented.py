"""The README's "Project layout" tells the stack as .importlinter keeps it:
its layers in the same order, each named where the linter puts it, and every
pure core the linter checks named among the pure modules. A reader trusts the
README's picture; the linter only checks the code."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = "core"  # the README's name for the bottom layer of single modules


def linter() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config


def linter_layers() -> list[set[str]]:
    text = linter()["importlinter:contract:layers"]["layers"]
    return [{name.strip() for name in line.split(":")} for line in text.split("\n") if line.strip()]


def readme_layout() -> tuple[list[list[str]], str]:
    """The first column of the README's stack, line by line, and the prose after it."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Project layout", 1)[1].split("\n## ", 1)[0]
    stack = section.split("form a stack", 1)[1].split("```")[1]
    names = [re.split(r"\s{2,}", line, maxsplit=1)[0].split() for line in stack.splitlines() if line[:1].strip()]
    return [[name.rstrip("/").removesuffix(".py") for name in line] for line in names], section


def test_the_readme_stacks_the_layers_in_the_linters_order():
    layers, _ = readme_layout()
    expected = linter_layers()
    assert len(layers) == len(expected)
    for names, layer in zip(layers, expected, strict=True):
        assert names == [CORE] or set(names) <= layer, (names, layer)


def test_the_readme_names_every_pure_core_the_linter_checks():
    _, section = readme_layout()
    pure = linter()["importlinter:contract:pure"]["source_modules"].split()
    for module in pure:
        path = module.removeprefix("eventsapp.").replace(".", "/") + ".py"
        assert f"`{path}`" in section, path
