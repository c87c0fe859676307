"""The ledger workbook: its sheets, headers in the reader's language, real dates, print setup, CSV with a BOM."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from config import Config
from core.clock import ManualClock
from core.domain import Language, MemberStatus, MotionKind, Role, StudyKind
from locales import translator
from reports import ledger
from storage import ledger as ledger_storage
from storage import members, motions, study, teams, trips
from storage.db import Database

ZH_SHEETS = ["进度", "调研", "办理事项", "学习", "出席", "建议提案", "督办事项"]


def seed(db: Database, clock: ManualClock) -> int:
    now = clock.now()
    with db.session() as session:
        team = teams.create(session, name="省政府党组", timezone="Asia/Shanghai", language=Language.ZH,
                            show_names_in_race=True, group_chat_id=None, now=now)
        zhang = members.add(session, team=team, telegram_user_id=1001, display_name="张三", username=None,
                            role=Role.MEMBER, status=MemberStatus.ACTIVE, now=now, joined_on=date(2026, 1, 1))
        li = members.add(session, team=team, telegram_user_id=1002, display_name="李四", username=None,
                         role=Role.ADMIN, status=MemberStatus.ACTIVE, now=now, joined_on=date(2026, 1, 1))
        topic = trips.add_key_topic(session, member=zhang, year=2026, title="山区共富", now=now)
        trip = trips.log_trip(session, member=zhang, start=date(2026, 11, 5), end=date(2026, 11, 8), places="淳安县",
                              topic="共同富裕", research_topic_id=topic.id, now=now)
        trips.add_finding(session, member=zhang, trip=trip, content="村道需要拓宽", department="交通局",
                          feedback_due=date(2026, 12, 31), now=now)
        trips.log_trip(session, member=zhang, start=date(2025, 3, 1), end=date(2025, 3, 2), places="去年",
                       topic="不在本年", research_topic_id=None, now=now)
        team_study = study.record_for_team(session, admin=li, kind=StudyKind.COLLECTIVE, held_on=date(2026, 11, 18),
                                           starts_at=None, hours=Decimal(3), topic="全会精神", now=now)
        study.toggle_attendance(session, study=team_study, member_id=zhang.id, admin=li, now=now)
        study.toggle_attendance(session, study=team_study, member_id=li.id, admin=li, now=now)
        motions.create(session, lead=zhang, kind=MotionKind.SUGGESTION, number="0123", title="优化营商环境",
                       is_key=True, assigned_on=date(2026, 3, 10), reply_due_months=3, now=now)
        return team.id


def _build(db: Database, team_id: int, lang: str) -> list[ledger.Sheet]:
    with db.session() as session:
        team = teams.by_id(session, team_id)
        assert team is not None
        return ledger.build(ledger_storage.year_ledger(session, team, 2026, today=date(2026, 11, 21), config=Config()),
                            t=translator(lang))


def test_the_workbook_has_every_sheet_with_chinese_headers_and_real_dates(db: Database, clock: ManualClock) -> None:
    team_id = seed(db, clock)
    sheets = _build(db, team_id, "zh")
    book = load_workbook(io.BytesIO(ledger.workbook(sheets, translator("zh"))))
    assert book.sheetnames == ZH_SHEETS
    trips_sheet = book["调研"]
    assert [c.value for c in trips_sheet[1]] == ["成员", "开始日期", "结束日期", "天数", "地点", "主题",
                                                  "重点调研课题", "意见建议"]
    assert trips_sheet.max_row == 2  # last year's trip is left out
    start = trips_sheet["B2"]
    assert isinstance(start.value, datetime) and start.value.date() == date(2026, 11, 5)
    assert start.is_date and start.number_format == "yyyy-mm-dd"
    assert [c.value for c in trips_sheet[2]][3:] == [4, "淳安县", "共同富裕", "山区共富", 1]
    assert trips_sheet.freeze_panes == "A2"
    assert trips_sheet.page_setup.orientation == "landscape" and trips_sheet.page_setup.fitToWidth == 1
    assert trips_sheet.column_dimensions["E"].width == 28
    progress = book["进度"]
    rows = [[c.value for c in row] for row in progress.iter_rows(min_row=2)]
    assert len(rows) == 12  # two members × six duties
    assert rows[0][:5] == ["张三", "成员", "下基层调研", 4, 60]
    study_sheet = book["学习"]
    assert [c.value for c in study_sheet[2]][1:] == ["集体学习", 3, "全会精神", "李四", 2, "张三、李四"]
    assert book["出席"].max_row == 3
    motion_row = [c.value for c in book["建议提案"][2]]
    assert motion_row[:5] == ["人大建议", "0123", "优化营商环境", "是", "张三"]
    assert motion_row[6].date() == date(2026, 6, 10)
    assert book["督办事项"].max_row == 1 and book["督办事项"]["A1"].value == "事项"


def test_an_english_reader_gets_english_headers(db: Database, clock: ManualClock) -> None:
    team_id = seed(db, clock)
    book = load_workbook(io.BytesIO(ledger.workbook(_build(db, team_id, "en"), translator("en"))))
    assert book.sheetnames == ["Progress", "Research trips", "Follow-up items", "Study sessions", "Attendance",
                               "Suggestions and proposals", "Supervised tasks"]
    assert [c.value for c in book["Follow-up items"][1]][:5] == ["Member", "Trip date", "Finding", "Department",
                                                                  "Status"]
    assert book["Follow-up items"]["E2"].value == "assigned to the department"


def test_csv_files_carry_a_bom_and_iso_dates(db: Database, clock: ManualClock, tmp_path: Path) -> None:
    team_id = seed(db, clock)
    written = ledger.write_csv(_build(db, team_id, "zh"), translator("zh"), tmp_path)
    assert [p.name for p in written] == ["progress.csv", "trips.csv", "follow_ups.csv", "study.csv",
                                         "attendance.csv", "motions.csv", "tasks.csv"]
    raw = (tmp_path / "trips.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[1].startswith("张三,2026-11-05,2026-11-08,4,淳安县")
