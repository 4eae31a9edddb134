"""Sizes that read in one sitting: no module of eventsapp/ over 300 lines,
no function over 60. Prints each offender and fails if there is one."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MODULE_MAX = 300
FUNCTION_MAX = 60


def offenders(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > MODULE_MAX:
            found.append(f"{path}: {lines} lines (at most {MODULE_MAX})")
        for node in ast.walk(ast.parse(text, str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > FUNCTION_MAX:
                    found.append(f"{path}:{node.lineno}: {node.name} is {length} lines (at most {FUNCTION_MAX})")
    return found


if __name__ == "__main__":
    problems = offenders(Path(sys.argv[1] if len(sys.argv) > 1 else "eventsapp"))
    print("\n".join(problems) or "Sizes: every module and function reads in one sitting.")
    sys.exit(1 if problems else 0)
