"""`python bot.py evaluate <team> <year> [--out DIR]`: the year-end evaluation from the command line, printed and
as one PDF per member with a zip of them all."""

from __future__ import annotations

import zipfile
from pathlib import Path

from storage.db import Database
from tests.storage.test_evaluation import WANG, ZHANG, scripted_year
from tests.test_cli import env, run_cli  # noqa: F401  (env is a fixture)


def test_evaluate_prints_the_team_s_evaluation_and_writes_the_pdfs(env: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    db = Database.from_url(env["DATABASE_URL"])
    db.upgrade()
    team_id, _ = scripted_year(db)
    db.dispose()
    clock = tmp_path / "clock"
    clock.write_text("2027-01-04T10:00:00+08:00")  # the year is over: figures as of 31 December
    env = {**env, "SAIMA_CLOCK_FILE": str(clock)}
    done = run_cli("evaluate", str(team_id), "2026", "--out", str(tmp_path / "out"), env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("📊 2026 年度考评 · 省政府党组\n\n1. 张三：29.0 分 · 未评定\n2. 王五：19.9 分 · 未评定\n")
    assert "📊 2026 年度履职情况 · 王五\n\n年度得分：19.9（2 人中第 2 名）" in done.stdout
    pdfs = sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    assert pdfs == sorted([f"2026-考评-{ZHANG}.pdf", f"2026-考评-{WANG}.pdf"])
    with zipfile.ZipFile(tmp_path / "out" / "2026-考评.zip") as folder:
        assert sorted(folder.namelist()) == pdfs


def test_evaluate_of_an_unknown_team_or_a_year_to_come_says_so(env: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    done = run_cli("evaluate", "42", "2026", env=env, cwd=tmp_path)
    assert done.returncode == 1 and "No team with id 42" in done.stderr
    db = Database.from_url(env["DATABASE_URL"])
    db.upgrade()
    team_id, _ = scripted_year(db)
    db.dispose()
    later = run_cli("evaluate", str(team_id), "2999", env=env, cwd=tmp_path)
    assert later.returncode == 1 and "No evaluation for 2999" in later.stderr
