"""`python bot.py export`: a team's ledger from the command line, as .xlsx and CSV."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from core.clock import ManualClock
from storage.db import Database
from tests.reports.test_ledger import ZH_SHEETS, seed
from tests.test_cli import env, run_cli  # noqa: F401  (env is a fixture)


def _seeded(cli_env: dict[str, str], clock: ManualClock) -> int:
    """The CLI's database, migrated, with tests.reports.test_ledger's team in it: its id."""
    db = Database.from_url(cli_env["DATABASE_URL"])
    db.upgrade()
    team_id = seed(db, clock)
    db.dispose()
    return team_id


def test_export_writes_the_workbook_and_csv_files(env: dict[str, str], tmp_path: Path,  # noqa: F811
                                                  clock: ManualClock) -> None:
    team_id = _seeded(env, clock)
    out, csv_dir = tmp_path / "out" / "台账.xlsx", tmp_path / "csv"
    done = run_cli("export", "--team", str(team_id), "--year", "2026", "--out", str(out), "--csv", str(csv_dir),
                   env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert load_workbook(out).sheetnames == ZH_SHEETS
    assert (csv_dir / "motions.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    english = run_cli("export", "--team", str(team_id), "--year", "2026", "--out", str(tmp_path / "en.xlsx"),
                      "--lang", "en", env=env, cwd=tmp_path)
    assert english.returncode == 0, english.stderr
    assert load_workbook(tmp_path / "en.xlsx")["Progress"]["A1"].value == "Member"


def test_export_of_an_unknown_team_says_so(env: dict[str, str], tmp_path: Path) -> None:  # noqa: F811
    done = run_cli("export", "--team", "42", "--year", "2026", "--out", str(tmp_path / "x.xlsx"), env=env, cwd=tmp_path)
    assert done.returncode == 1 and "No team with id 42" in done.stderr


def test_export_of_a_year_out_of_range_says_so_and_writes_nothing(env: dict[str, str], tmp_path: Path,  # noqa: F811
                                                                  clock: ManualClock) -> None:
    team_id = _seeded(env, clock)
    for year in ("0", "2999"):
        out = tmp_path / f"{year}.xlsx"
        done = run_cli("export", "--team", str(team_id), "--year", year, "--out", str(out), env=env, cwd=tmp_path)
        assert done.returncode == 1 and f"No ledger for {year}: give a year from 2000 to" in done.stderr
        assert "Traceback" not in done.stderr and not out.exists()
