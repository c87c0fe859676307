"""The ledger workbook: its sheets, headers in the reader's language, real dates, print setup, CSV with a BOM."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Config
from core import holidays
from core import motions as motion_rules
from core import tasks as task_rules
from core.clock import ManualClock
from core.domain import Language, MemberStatus, MotionKind, ResultClass, Role, Satisfaction, StudyKind
from core.lookback import Result
from locales import translator
from reports import ledger
from storage import ledger as ledger_storage
from storage import lookback, members, motions, roster, study, tasks, teams, trips
from storage.db import Database
from storage.models import Lookback, Member, Team

SHANGHAI = ZoneInfo("Asia/Shanghai")

ZH_SHEETS = ["进度", "调研", "办理事项", "学习", "出席", "建议提案", "督办事项", "重点课题", "考评"]


def _team(session: Session, now: datetime) -> tuple[Team, Member, Member]:
    """省政府党组 with 张三, a member, and 李四, its office, both since 1 January."""
    team = teams.create(session, name="省政府党组", timezone="Asia/Shanghai", language=Language.ZH,
                        show_names_in_race=True, group_chat_id=None, now=now)
    zhang = members.add(session, team=team, telegram_user_id=1001, display_name="张三", username=None,
                        role=Role.MEMBER, status=MemberStatus.ACTIVE, now=now, joined_on=date(2026, 1, 1))
    li = members.add(session, team=team, telegram_user_id=1002, display_name="李四", username=None,
                     role=Role.ADMIN, status=MemberStatus.ACTIVE, now=now, joined_on=date(2026, 1, 1))
    return team, zhang, li


def seed(db: Database, clock: ManualClock) -> int:
    now = clock.now()
    with db.session() as session:
        team, zhang, li = _team(session, now)
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
    assert [c.value for c in trips_sheet[1]] == ["成员", "开始日期", "结束日期", "天数", "计入天数", "地点", "主题",
                                                  "重点调研课题", "意见建议", "备注"]
    assert trips_sheet.max_row == 3  # last year's trip is left out; the member's totals row
    start = trips_sheet["B2"]
    assert isinstance(start.value, datetime) and start.value.date() == date(2026, 11, 5)
    assert start.is_date and start.number_format == "yyyy-mm-dd"
    assert [c.value for c in trips_sheet[2]][3:] == [4, 4, "淳安县", "共同富裕", "山区共富", 1, None]
    assert trips_sheet.freeze_panes == "A2"
    assert trips_sheet.page_setup.orientation == "landscape" and trips_sheet.page_setup.fitToWidth == 1
    assert trips_sheet.column_dimensions["F"].width == 28
    progress = book["进度"]
    rows = [[c.value for c in row] for row in progress.iter_rows(min_row=2)]
    assert len(rows) == 12  # two members × six duties
    assert rows[0][:5] == ["张三", "成员", "下基层调研", 4, 60]
    study_sheet = book["学习"]
    assert [c.value for c in study_sheet[2]][1:] == ["集体学习", 3, "全会精神", "李四", 2, "张三、李四"]
    assert book["出席"].max_row == 3
    motion_row = [c.value for c in book["建议提案"][2]]
    assert motion_row[:5] == ["0123", "人大建议", "优化营商环境", "是", "张三"]
    assert motion_row[6].date() == date(2026, 6, 10)
    assert book["督办事项"].max_row == 1 and book["督办事项"]["B1"].value == "事项"
    topics_sheet = book["重点课题"]
    assert [c.value for c in topics_sheet[1]] == ["编号", "课题名称", "牵头人", "阶段", "立项日期", "开始调研日期",
                                                   "调研报告", "报告完成日期", "成果转化", "转化日期", "计入日期"]
    row = [c.value for c in topics_sheet[2]]  # researched since its trip; no report yet, so not counted
    assert row[:4] == [1, "山区共富", "张三", "调研中"]
    assert [day.date() for day in row[4:6]] == [date(2026, 11, 21), date(2026, 11, 5)]
    assert row[6:] == [None, None, None, None, None]
    assert topics_sheet["F2"].is_date


def test_the_follow_up_sheet_numbers_each_item_and_names_its_source_cell_by_cell(db: Database,
                                                                                 clock: ManualClock) -> None:
    """As offices file a 办理台账: 编号 first, and 来源, where the opinion was heard (the trip and its places)."""
    team_id = seed(db, clock)
    (sheet,) = [s for s in _build(db, team_id, "zh") if s.key == "follow_ups"]
    t = translator("zh")
    assert [t(column.header) for column in sheet.columns] == [
        "编号", "成员", "调研日期", "来源", "意见建议", "责任单位", "状态", "反馈时限", "交办日期", "办理日期", "反馈日期",
        "办结日期", "逾期天数", "办理结果", "回头看"]
    (row,) = sheet.rows
    assert row[0] == 1 and row[1:8] == ["张三", date(2026, 11, 5), "下基层调研（淳安县）", "村道需要拓宽", "交通局", "已交办",
                                        date(2026, 12, 31)]
    assert row[9:] == [None, None, None, 0, "", ""]  # not handled yet, not overdue on 21 November


def test_an_english_reader_gets_english_headers(db: Database, clock: ManualClock) -> None:
    team_id = seed(db, clock)
    book = load_workbook(io.BytesIO(ledger.workbook(_build(db, team_id, "en"), translator("en"))))
    assert book.sheetnames == ["Progress", "Research trips", "Follow-up items", "Study sessions", "Attendance",
                               "Suggestions and proposals", "Supervised tasks", "Key research topics", "Evaluation"]
    assert [c.value for c in book["Follow-up items"][1]][:7] == ["Number", "Member", "Trip date", "Source", "Finding",
                                                                  "Department", "Status"]
    assert book["Follow-up items"]["G2"].value == "assigned to the department"
    assert book["Follow-up items"]["D2"].value == "Grassroots research (淳安县)"


def test_the_progress_sheet_lists_only_members_who_owe_the_duties(db: Database, clock: ManualClock) -> None:
    """The office taken out of the race owes no quota and a member named but not joined yet owes nothing yet: the
    进度 sheet lists neither (the 考评 sheet, the race and the dashboard's grid don't either)."""
    team_id = seed(db, clock)
    with db.session() as session:
        li = session.scalars(select(Member).where(Member.team_id == team_id, Member.display_name == "李四")).one()
        roster.set_races(session, li, races=False, now=clock.now())
        members.add(session, team=session.get_one(Team, team_id), telegram_user_id=1003, display_name="王五",
                    username=None, role=Role.MEMBER, status=MemberStatus.PENDING, now=clock.now(),
                    joined_on=date(2026, 1, 1))
    sheets = {sheet.key: sheet for sheet in _build(db, team_id, "zh")}
    assert {row[0] for row in sheets["progress"].rows} == {"张三"}
    assert len(sheets["progress"].rows) == 6  # his six duties
    assert [row[0] for row in sheets["evaluation"].rows] == ["张三"]


def test_csv_files_carry_a_bom_and_iso_dates(db: Database, clock: ManualClock, tmp_path: Path) -> None:
    team_id = seed(db, clock)
    written = ledger.write_csv(_build(db, team_id, "zh"), translator("zh"), tmp_path)
    assert [p.name for p in written] == ["progress.csv", "trips.csv", "follow_ups.csv", "study.csv",
                                         "attendance.csv", "motions.csv", "tasks.csv", "topics.csv", "evaluation.csv"]
    raw = (tmp_path / "trips.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[1].startswith("张三,2026-11-05,2026-11-08,4,4,淳安县")
    progress = (tmp_path / "progress.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert progress[1] == "张三,成员,下基层调研,4,60,53.4,6.7%,严重滞后"  # a rate as the workbook shows it


def test_members_text_a_spreadsheet_would_run_as_a_formula_stays_text(db: Database, clock: ManualClock,
                                                                        tmp_path: Path) -> None:
    """A title or place that begins like a formula (=, +, -, @) is the member's words: the workbook keeps it as text
    and the CSV files give it a leading apostrophe, so opening the ledger never runs it."""
    now = clock.now()
    with db.session() as session:
        team, zhang, _li = _team(session, now)
        trips.log_trip(session, member=zhang, start=date(2026, 11, 5), end=date(2026, 11, 6),
                       places='=HYPERLINK("http://example.invalid","淳安县")', topic="+86 0571 专题",
                       research_topic_id=None, now=now)
        motions.create(session, lead=zhang, kind=MotionKind.SUGGESTION, number="-12", title="@优化营商环境",
                       is_key=True, assigned_on=date(2026, 3, 10), reply_due_months=3, now=now)
        team_id = team.id
    sheets = _build(db, team_id, "zh")
    book = load_workbook(io.BytesIO(ledger.workbook(sheets, translator("zh"))))
    formulas = [f"{sheet.title}!{cell.coordinate}" for sheet in book.worksheets for row in sheet.iter_rows()
                for cell in row if cell.data_type == "f"]
    assert formulas == []
    assert [c.value for c in book["调研"][2]][5:7] == ['=HYPERLINK("http://example.invalid","淳安县")', "+86 0571 专题"]
    assert [c.value for c in book["建议提案"][2]][:3] == ["-12", "人大建议", "@优化营商环境"]
    ledger.write_csv(sheets, translator("zh"), tmp_path)
    trips_csv = (tmp_path / "trips.csv").read_text(encoding="utf-8-sig").splitlines()
    assert trips_csv[1].startswith("""张三,2026-11-05,2026-11-06,2,2,"'=HYPERLINK(""http://example.invalid"","""
                                   '""淳安县"")",\'+86 0571 专题,')
    motions_csv = (tmp_path / "motions.csv").read_text(encoding="utf-8-sig").splitlines()
    assert motions_csv[1].startswith("'-12,人大建议,'@优化营商环境,是,张三,")


# --- a scripted year, compared cell by cell ------------------------------------------------------------

def _at(clock: ManualClock, day: date, hour: int = 10) -> datetime:
    clock.set(datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))
    return clock.now()


def _wang(session: Session, team: Team, now: datetime) -> Member:
    """王五, a member since 1 January."""
    return members.add(session, team=team, telegram_user_id=1003, display_name="王五", username=None,
                       role=Role.MEMBER, status=MemberStatus.ACTIVE, now=now, joined_on=date(2026, 1, 1))


def _extension_approved(session: Session, clock: ManualClock, assignment_id: int, *, reason: str, to: date,
                        on: date, office_id: int) -> None:
    """The assignee asks for a new deadline (延期申请) on ``on`` at 10:00 and the office approves it at 15:00."""
    mine = tasks.find(session, assignment_id)
    assert mine is not None
    request = tasks.ask(session, mine, task_rules.RequestKind.EXTENSION, text=reason, proposed=to,
                        now=_at(clock, on))
    assert isinstance(request, tasks.TaskRequest)
    assert tasks.answer(session, request, mine, task_rules.RequestState.APPROVED,
                        actor=session.get_one(Member, office_id), now=_at(clock, on, 15)) is None


def script_year(db: Database, clock: ManualClock) -> int:
    """张三 all year and 王五 from 1 July (任职); 李四 the office. Overlapping trips, a suggestion sent back
    once by an unsatisfied deputy, a task returned and reported again, and one returned and not yet."""
    with db.session() as session:
        now = _at(clock, date(2026, 1, 5))
        team, zhang, li = _team(session, now)
        wang = members.add(session, team=team, telegram_user_id=1003, display_name="王五", username=None,
                           role=Role.MEMBER, status=MemberStatus.ACTIVE, now=now, joined_on=date(2026, 7, 1))
        roster.set_office_dates(session, wang, took_office_on=date(2026, 7, 1), left_office_on=None, now=now)
        trips.log_trip(session, member=zhang, start=date(2025, 12, 30), end=date(2026, 1, 2), places="德清县",
                       topic="跨年调研", research_topic_id=None, now=now)
        trips.log_trip(session, member=zhang, start=date(2026, 11, 5), end=date(2026, 11, 8), places="淳安县",
                       topic="山区共富", research_topic_id=None, now=now)
        trips.log_trip(session, member=zhang, start=date(2026, 11, 7), end=date(2026, 11, 9), places="建德市",
                       topic="乡村振兴", research_topic_id=None, now=now)
        team_id, zhang_id, li_id, wang_id = team.id, zhang.id, li.id, wang.id
        motion_id = motions.create(session, lead=zhang, kind=MotionKind.SUGGESTION, number="0123",
                                   title="关于优化营商环境的建议", is_key=True, assigned_on=date(2026, 3, 10),
                                   reply_due_months=3, now=now).id

    def motion_step(day: date, step: str, **kwargs: object) -> None:
        with db.session() as session:
            motion = motions.by_id(session, motion_id, for_update=True)
            assert motion is not None
            actor = session.get_one(Member, zhang_id)
            new = getattr(motion_rules, step)(motions.state_of(motion), **kwargs)
            motions.apply(session, motion, new, action=step, actor=actor, now=_at(clock, day))

    motion_step(date(2026, 6, 20), "reply", replied_on=date(2026, 6, 20), result_class=ResultClass.B,
                today=date(2026, 6, 20))  # ten days after its deadline
    motion_step(date(2026, 6, 25), "record_satisfaction", satisfaction=Satisfaction.UNSATISFIED,
                today=date(2026, 6, 25))
    motion_step(date(2026, 7, 20), "reply", replied_on=date(2026, 7, 20), result_class=ResultClass.A,
                today=date(2026, 7, 20))
    motion_step(date(2026, 7, 22), "record_satisfaction", satisfaction=Satisfaction.SATISFIED,
                today=date(2026, 7, 22))

    with db.session() as session:
        li = session.get_one(Member, li_id)
        task = tasks.create(session, creator=li, title="报送年度工作总结", detail="附主要数据",
                            due_at=datetime(2026, 11, 20, 18, tzinfo=SHANGHAI),
                            assignees=[session.get_one(Member, zhang_id), session.get_one(Member, wang_id)],
                            attachment_file_id=None, attachment_kind=None, now=_at(clock, date(2026, 11, 2)))
        ids = {a.member_id: a.id for a in task.assignments}

    def task_step(member_id: int, day: date, move: task_rules.Move, text: str | None = None) -> None:
        with db.session() as session:
            found = tasks.find(session, ids[member_id])
            assert found is not None
            actor = session.get_one(Member, member_id if move is task_rules.Move.REPORT else li_id)
            assert tasks.move(session, found, move, actor=actor, now=_at(clock, day), text=text) is None

    task_step(zhang_id, date(2026, 11, 10), task_rules.Move.REPORT, "已报送初稿")
    task_step(zhang_id, date(2026, 11, 11), task_rules.Move.RETURN, "缺少数据")
    task_step(zhang_id, date(2026, 11, 15), task_rules.Move.REPORT, "已补充数据")
    task_step(zhang_id, date(2026, 11, 16), task_rules.Move.CLOSE)
    task_step(wang_id, date(2026, 11, 25), task_rules.Move.REPORT, "已报送")
    task_step(wang_id, date(2026, 11, 26), task_rules.Move.RETURN, "请补充附件")
    return team_id


def _rows(book: Any, title: str) -> list[list[Any]]:
    return [[c.value.date() if isinstance(c.value, datetime) else c.value for c in row]
            for row in book[title].iter_rows(min_row=2)]


def test_a_scripted_year_s_ledger_is_a_faithful_record(db: Database, clock: ManualClock) -> None:
    team_id = script_year(db, clock)
    with db.session() as session:
        team = teams.by_id(session, team_id)
        assert team is not None
        sheets = ledger.build(ledger_storage.year_ledger(session, team, 2026, today=date(2027, 1, 4), config=Config()),
                              t=translator("zh"))
    book = load_workbook(io.BytesIO(ledger.workbook(sheets, translator("zh"))))

    assert [c.value for c in book["调研"][1]] == ["成员", "开始日期", "结束日期", "天数", "计入天数", "地点", "主题",
                                                "重点调研课题", "意见建议", "备注"]
    assert _rows(book, "调研") == [
        ["张三", date(2025, 12, 30), date(2026, 1, 2), 4, 2, "德清县", "跨年调研", None, 0, "2 天不在本年度"],
        ["张三", date(2026, 11, 5), date(2026, 11, 8), 4, 4, "淳安县", "山区共富", None, 0, None],
        ["张三", date(2026, 11, 7), date(2026, 11, 9), 3, 1, "建德市", "乡村振兴", None, 0,
         "2 天与其他调研重叠，不重复计入"],
        ["张三", None, None, 11, 7, None, "全年合计", None, 0, None],
    ]
    progress = {(row[0], row[2]): row for row in _rows(book, "进度")}
    # the totals row's credited days are what the race credits (7, not the 11 days the trips span)
    assert progress["张三", "下基层调研"][3:7] == [7, 60, 60, 0.117]
    assert book["进度"]["G2"].number_format == "0.0%"
    # 王五 took office on 1 July: 184 of 365 days of the 60-day target, to one decimal (30.246… → 30.2)
    assert progress["王五", "下基层调研"][3:7] == [0, 30.2, 30.2, 0]

    assert [c.value for c in book["建议提案"][1]] == [
        "编号", "类型", "标题", "重点", "领办人", "交办日期", "首次答复期限", "现答复期限", "状态", "首次答复日期",
        "答复日期", "办理结果分类", "代表委员评价", "按期", "退回重办次数", "逾期天数", "办理过程", "回头看"]
    assert _rows(book, "建议提案") == [[
        "0123", "人大建议", "关于优化营商环境的建议", "是", "张三", date(2026, 3, 10), date(2026, 6, 10),
        date(2026, 7, 25), "已办结", date(2026, 6, 20), date(2026, 7, 20), "A", "满意", "否", 1, 10,
        "2026-03-10 交办，时限 2026-06-10；2026-06-20 答复（B类）；2026-06-25 不满意，重新办理，时限 2026-07-25；"
        "2026-07-20 答复（A类）；2026-07-22 代表委员评价：满意", None]]  # 回头看: the B-class reply was reopened

    assert [c.value for c in book["督办事项"][1]] == [
        "编号", "事项", "工作要求", "交办人", "交办日期", "承办人", "截止日期", "状态", "报结日期", "办结日期", "逾期天数",
        "报结说明", "退回理由", "办理过程", "阶段", "预警", "回头看"]
    zhang_row, wang_row = _rows(book, "督办事项")
    assert zhang_row[1:] == [
        "报送年度工作总结", "附主要数据", "李四", date(2026, 11, 2), "张三", date(2026, 11, 20), "已办结",
        date(2026, 11, 15), date(2026, 11, 16), 0, "已补充数据", "缺少数据",
        "2026-11-02 交办，时限 2026-11-20；2026-11-10 报结：已报送初稿；2026-11-11 退回：缺少数据；"
        "2026-11-15 报结：已补充数据；2026-11-16 销账", "确认销账", "🟢", None]  # closed in November: 回头看 comes in February
    # returned and not reported again: no 报结日期, overdue until the year's last day
    assert wang_row[1:] == [
        "报送年度工作总结", "附主要数据", "李四", date(2026, 11, 2), "王五", date(2026, 11, 20), "退回重办",
        None, None, 41, None, "请补充附件",
        "2026-11-02 交办，时限 2026-11-20；2026-11-25 报结：已报送；2026-11-26 退回：请补充附件", "提出诉求", "🔴", None]
    # no float with a long tail anywhere
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                assert not isinstance(cell.value, float) or round(cell.value, 3) == cell.value, (sheet.title, cell)


def _look_back_not_held(db: Database, clock: ManualClock, *, item: str, item_id: int, on: date, actor_id: int) -> None:
    """The 回头看 of ``item`` comes due and its owner answers 未落实: the item is handled again."""
    with db.session() as session:
        row = session.scalars(select(Lookback).where(Lookback.item_kind == item, Lookback.item_id == item_id)).one()
        row.due_at = _at(clock, on)
        actor, now = session.get_one(Member, actor_id), clock.now()
        assert lookback.answer(session, row, result=Result.NOT_HELD, actor=actor, now=now)
        assert lookback.reopen(session, row, actor=actor, now=now, tz=SHANGHAI, is_workday=holidays.is_workday,
                               reopen_months=3)


def test_a_look_back_that_reopens_an_item_is_in_its_history_and_not_the_deputy_s_feedback(
        db: Database, clock: ManualClock) -> None:
    """A suggestion the deputy was 满意 with keeps 满意 when 回头看 finds it 未落实: the reopening is the office's, and
    its 办理过程 says so; a task's 办理过程 shows its 回头看 reopening with the new deadline too."""
    with db.session() as session:
        team, zhang, li = _team(session, _at(clock, date(2026, 1, 5)))
        motion = motions.create(session, lead=zhang, kind=MotionKind.SUGGESTION, number="0001", title="优化营商环境",
                                is_key=True, assigned_on=date(2026, 2, 2), reply_due_months=3, now=clock.now())
        task = tasks.create(session, creator=li, title="整改安全隐患", detail=None,
                            due_at=datetime(2026, 3, 20, 18, tzinfo=SHANGHAI), assignees=[zhang],
                            attachment_file_id=None, attachment_kind=None, now=_at(clock, date(2026, 3, 2)))
        team_id, motion_id, zhang_id, li_id = team.id, motion.id, zhang.id, li.id
        assignment_id = task.assignments[0].id

    def motion_step(day: date, move: str, **changes: Any) -> None:
        with db.session() as session:
            found = motions.by_id(session, motion_id, for_update=True)
            assert found is not None
            new = getattr(motion_rules, move)(motions.state_of(found), today=day, **changes)
            motions.apply(session, found, new, action=move, actor=session.get_one(Member, zhang_id),
                          now=_at(clock, day))

    motion_step(date(2026, 4, 1), "reply", replied_on=date(2026, 4, 1), result_class=ResultClass.B)
    motion_step(date(2026, 4, 5), "record_satisfaction", satisfaction=Satisfaction.SATISFIED)
    for who, day, move in ((zhang_id, date(2026, 3, 10), task_rules.Move.REPORT),
                           (li_id, date(2026, 3, 11), task_rules.Move.CLOSE)):
        with db.session() as session:
            found_task = tasks.find(session, assignment_id)
            assert found_task is not None
            assert tasks.move(session, found_task, move, actor=session.get_one(Member, who), now=_at(clock, day),
                              text="已整改") is None
    _look_back_not_held(db, clock, item="task", item_id=assignment_id, on=date(2026, 6, 11), actor_id=zhang_id)
    _look_back_not_held(db, clock, item="motion", item_id=motion_id, on=date(2026, 7, 3), actor_id=zhang_id)

    with db.session() as session:
        team_row = teams.by_id(session, team_id)
        assert team_row is not None
        sheets = ledger.build(ledger_storage.year_ledger(session, team_row, 2026, today=date(2026, 8, 3),
                                                         config=Config()), t=translator("zh"))
    book = load_workbook(io.BytesIO(ledger.workbook(sheets, translator("zh"))))
    motion_row = dict(zip([c.value for c in book["建议提案"][1]], _rows(book, "建议提案")[0], strict=True))
    assert motion_row["代表委员评价"] == "满意"
    assert motion_row["状态"] == "办理中" and motion_row["退回重办次数"] == 1
    assert motion_row["办理过程"] == ("2026-02-02 交办，时限 2026-05-02；2026-04-01 答复（B类）；"
                                     "2026-04-05 代表委员评价：满意；2026-07-03 回头看未落实，重新办理，时限 2026-10-03")
    task_row = dict(zip([c.value for c in book["督办事项"][1]], _rows(book, "督办事项")[0], strict=True))
    assert task_row["状态"] == "已交办"
    assert task_row["办理过程"].endswith("2026-03-11 销账；2026-06-11 回头看未落实，重新办理，时限 "
                                        f"{task_row['截止日期'].isoformat()}")


def test_an_approved_extension_is_the_assignees_deadline_in_the_duban_sheet(db: Database, clock: ManualClock) -> None:
    """张三 asked for a week more and the office agreed: his 截止日期 is the new day and reporting by it is on
    time; 王五, who had no extension, keeps the task's deadline and is overdue from it."""
    with db.session() as session:
        team, zhang, li = _team(session, _at(clock, date(2026, 11, 2)))
        wang = _wang(session, team, clock.now())
        task = tasks.create(session, creator=li, title="报送年度工作总结", detail=None,
                            due_at=datetime(2026, 11, 20, 18, tzinfo=SHANGHAI), assignees=[zhang, wang],
                            attachment_file_id=None, attachment_kind=None, now=clock.now())
        team_id, li_id = team.id, li.id
        ids = {a.member_id: a.id for a in task.assignments}
        zhang_id, wang_id = zhang.id, wang.id

    with db.session() as session:
        mine = tasks.find(session, ids[zhang_id])
        assert mine is not None
        assert tasks.sign(session, mine, now=_at(clock, date(2026, 11, 3))) is None
        _extension_approved(session, clock, ids[zhang_id], reason="数据待统计局发布", to=date(2026, 11, 27),
                            on=date(2026, 11, 18), office_id=li_id)
    for member_id, day, move in ((zhang_id, date(2026, 11, 25), task_rules.Move.REPORT),
                                 (zhang_id, date(2026, 11, 26), task_rules.Move.CLOSE),
                                 (wang_id, date(2026, 11, 23), task_rules.Move.REPORT)):
        with db.session() as session:
            result = tasks.find(session, ids[member_id])
            assert result is not None
            actor = session.get_one(Member, member_id if move is task_rules.Move.REPORT else li_id)
            assert tasks.move(session, result, move, actor=actor, now=_at(clock, day), text="已报送") is None

    header, sheet = _duban_sheet(db, team_id, 2026, date(2026, 12, 1))
    rows = {row[header.index("承办人")]: row for row in sheet}
    deadline, overdue, history = header.index("截止日期"), header.index("逾期天数"), header.index("办理过程")
    assert (rows["张三"][deadline], rows["张三"][overdue]) == (date(2026, 11, 27), 0)
    assert (rows["王五"][deadline], rows["王五"][overdue]) == (date(2026, 11, 20), 3)
    assert rows["张三"][history] == (  # in the order it happened (the signing and the request had come last)
        "2026-11-02 交办，时限 2026-11-20；2026-11-03 签收；"
        "2026-11-18 延期申请：数据待统计局发布 → 2026-11-27（2026-11-18 已同意，时限由2026-11-20延后）；"
        "2026-11-25 报结：已报送；2026-11-26 销账")


def _duban_sheet(db: Database, team_id: int, year: int, today: date) -> tuple[list[Any], list[Any]]:
    """The header and the rows of the year's 督办事项 sheet, as the exported workbook has them."""
    with db.session() as session:
        found = teams.by_id(session, team_id)
        assert found is not None
        sheets = ledger.build(ledger_storage.year_ledger(session, found, year, today=today, config=Config()),
                              t=translator("zh"))
    book = load_workbook(io.BytesIO(ledger.workbook(sheets, translator("zh"))))
    return [c.value for c in book["督办事项"][1]], _rows(book, "督办事项")


def _duban_rows(db: Database, team_id: int, year: int, today: date) -> list[tuple[int, str, date]]:
    """(task, 承办人, 截止日期) of each row of the year's 督办事项 sheet."""
    header, rows = _duban_sheet(db, team_id, year, today)
    return [(row[header.index("编号")], row[header.index("承办人")], row[header.index("截止日期")]) for row in rows]


def test_a_task_is_in_the_ledger_of_the_year_of_its_deadline_in_the_team_s_time(db: Database,
                                                                                 clock: ManualClock) -> None:
    """A task due at half past midnight on 1 January in Shanghai (still 31 December in UTC) is 2027's. A task due
    on New Year's Eve stays 2026's when 张三's extension moves his side to 8 January: his row shows the new day."""
    with db.session() as session:
        team, zhang, li = _team(session, _at(clock, date(2026, 12, 1)))
        wang = _wang(session, team, clock.now())
        year_end = tasks.create(session, creator=li, title="年终工作总结", detail=None,
                                due_at=datetime(2026, 12, 31, 18, tzinfo=SHANGHAI), assignees=[zhang, wang],
                                attachment_file_id=None, attachment_kind=None, now=clock.now())
        new_year = tasks.create(session, creator=li, title="元旦值班安排", detail=None,
                                due_at=datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI), assignees=[wang],
                                attachment_file_id=None, attachment_kind=None, now=clock.now())
        team_id, li_id, year_end_id, new_year_id = team.id, li.id, year_end.id, new_year.id
        zhang_side = next(a.id for a in year_end.assignments if a.member_id == zhang.id)

    with db.session() as session:
        _extension_approved(session, clock, zhang_side, reason="需等年度数据", to=date(2027, 1, 8),
                            on=date(2026, 12, 28), office_id=li_id)

    assert sorted(_duban_rows(db, team_id, 2026, date(2026, 12, 31))) == [
        (year_end_id, "张三", date(2027, 1, 8)), (year_end_id, "王五", date(2026, 12, 31))]
    assert _duban_rows(db, team_id, 2027, date(2027, 1, 10)) == [(new_year_id, "王五", date(2027, 1, 1))]
