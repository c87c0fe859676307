"""The ledger's sheet of the team's own duties: every entry with its member, duty, day, amount, unit and note,
a total per member and duty, cell by cell; the progress sheet lists them after the six; a team that added
none has no such sheet."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from core.clock import ManualClock
from locales import translator
from reports import ledger
from storage import team_duties
from storage.db import Database
from tests.reports.test_ledger import ZH_SHEETS, _build, _team


def test_the_team_s_own_duties_sheet_lists_every_entry_with_a_total_per_member(db: Database,
                                                                              clock: ManualClock) -> None:
    now = clock.now()
    with db.session() as session:
        team, zhang, li = _team(session, now)
        visits, _ = team_duties.set_duty(session, team_id=team.id, name="接访下访", unit="天",
                                         yearly_target=Decimal(12), weight=Decimal(5), now=now)
        study, _ = team_duties.set_duty(session, team_id=team.id, name="第一议题", unit="次",
                                        yearly_target=Decimal(24), weight=Decimal(2), now=now)
        for member, duty, day, amount, note in (
                (zhang, visits, date(2026, 11, 20), Decimal(1), "接待群众来访"),
                (zhang, visits, date(2026, 3, 2), Decimal("0.5"), ""),
                (zhang, study, date(2026, 11, 3), Decimal(1), "传达学习"),
                (li, visits, date(2026, 6, 1), Decimal(2), ""),
                (li, visits, date(2025, 12, 30), Decimal(9), "去年")):
            team_duties.log_entry(session, duty=duty, member=member, day=day, amount=amount, note=note, now=now)
        team_duties.retire(session, team_id=team.id, name="第一议题", now=now)  # its entries stay
        team_id = team.id
    sheets = {sheet.key: sheet for sheet in _build(db, team_id, "zh")}
    own = sheets["own_duties"]
    assert [column.header for column in own.columns] == ["Member", "Duty", "Date", "Amount", "Unit", "Remarks"]
    assert own.rows == [
        ["张三", "接访下访", date(2026, 3, 2), 0.5, "天", ""],
        ["张三", "接访下访", date(2026, 11, 20), 1, "天", "接待群众来访"],
        ["张三", "接访下访", None, 1.5, "天", "全年合计"],
        ["张三", "第一议题", date(2026, 11, 3), 1, "次", "传达学习"],
        ["张三", "第一议题", None, 1, "次", "全年合计"],
        ["李四", "接访下访", date(2026, 6, 1), 2, "天", ""],
        ["李四", "接访下访", None, 2, "天", "全年合计"],
    ]
    progress = [row for row in sheets["progress"].rows if row[0] == "张三"]
    assert progress[-1][2:5] == ["接访下访", 1.5, 12]  # after the six; the retired one is no longer asked
    book = load_workbook(io.BytesIO(ledger.workbook(list(sheets.values()), translator("zh"))))
    assert book.sheetnames == [*ZH_SHEETS, "增设职责"]
    assert [cell.value for cell in book["增设职责"][1]] == ["成员", "职责", "日期", "数量", "单位", "备注"]


def test_a_team_without_duties_of_its_own_has_no_such_sheet(db: Database, clock: ManualClock) -> None:
    with db.session() as session:
        team, _, _ = _team(session, clock.now())
        team_id = team.id
    assert "own_duties" not in {sheet.key for sheet in _build(db, team_id, "zh")}
