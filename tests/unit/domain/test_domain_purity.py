"""The domain imports the standard library and itself, nothing else."""

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[3] / "domain"
ALLOWED = set(sys.stdlib_module_names) | {"domain", "__future__"}


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_domain_has_modules_to_check():
    assert len(list(DOMAIN.rglob("*.py"))) >= 5


def test_domain_imports_only_the_standard_library():
    offenders = [
        f"{path.name}:{line} imports {name}"
        for path in DOMAIN.rglob("*.py")
        for line, name in _imported_modules(path)
        if name.split(".")[0] not in ALLOWED
    ]
    assert offenders == []


def test_the_purity_check_catches_a_third_party_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import pandas\nfrom confluent_kafka import Producer\n")
    names = [name for _, name in _imported_modules(bad) if name.split(".")[0] not in ALLOWED]
    assert names == ["pandas", "confluent_kafka"]
