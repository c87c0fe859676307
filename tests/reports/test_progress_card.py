"""The progress card's numbers (reports/progress_card.py), which /me and the dashboard both show."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from reports.progress_card import shown

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("done", "text"), [(Decimal("5"), "5"), (Decimal("4.65"), "4.7"), (Decimal("4.64"), "4.6"),
                                            (Decimal("0"), "0"), (Decimal("12.05"), "12.1")])
def test_what_is_done_is_shown_with_one_decimal_at_most_rounded_half_up(done: Decimal, text: str) -> None:
    assert shown(done) == text


def test_the_dashboard_imports_no_private_name_of_another_module() -> None:
    """webapp/ uses the public functions of reports/, storage/ and core/, never their private helpers."""
    private = []
    for path in sorted((ROOT / "webapp").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                private += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    assert private == []
