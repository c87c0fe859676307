"""The dashboard's API (webapp/api.py) over HTTP beside the running bot: Telegram's signed initData on
every route (401 missing, forged or stale; 403 for a stranger and for a member asking the office's
data), never another team's data, and the same numbers as the chat: /me's duties, /rank's order, the
workbook /export sends."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from sqlalchemy import update

from core import motions as motion_rules
from core.domain import FollowUpStatus, LeaveKind, MotionKind, ResultClass, Satisfaction
from core.init_data import sign
from core.tasks import RequestKind, RequestState
from emulator import EmulatorThread
from emulator.sim import BotMessage, SimUser
from storage import members as member_storage
from storage import motions as motion_storage
from storage import tasks as task_storage
from storage import trips as trip_storage
from storage.models import LeavePeriod, TaskRequest, Team
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import (
    a_board_that_moved,
    another_teams_owner,
    member,
    members_since_new_year,
    second_team,
    stored_member,
)
from webapp.server import DashboardServer

ROUTES = ["/api/me", "/api/board?period=month", "/api/board?period=quarter", "/api/board?period=year", "/api/tasks",
          "/api/motions", "/api/grid", "/api/ledger?year=2026", "/api/ledger.xlsx?year=2026"]
OFFICE_ROUTES = ["/api/motions", "/api/grid", "/api/ledger?year=2026", "/api/ledger.xlsx?year=2026"]
#: The item histories (/api/history?<kind>=<id>), each asked for an item of the team's (ids filled in by the test).
HISTORY_KINDS = ("assignment", "motion", "follow_up")
#: Every route, the histories with an id that may or may not exist: sign-in is checked before anything is read.
SIGNED_ROUTES = [*ROUTES, *(f"/api/history?{kind}=1" for kind in HISTORY_KINDS)]


@pytest.fixture
async def client(saima: Saima) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    server = DashboardServer(saima.config, saima.db, saima.clock)
    async with TestClient(TestServer(server.application())) as http:
        yield http


def init_data(saima: Saima, user_id: int, *, token: str | None = None, at: datetime | None = None) -> str:
    return sign(token or saima.config.telegram.token, user={"id": user_id, "first_name": "x", "language_code": "zh"},
                auth_date=at or saima.clock.now())


async def get(client: TestClient, path: str, auth: str | None) -> tuple[int, Any, bytes]:  # type: ignore[type-arg]
    headers = {"Authorization": auth} if auth is not None else {}
    async with client.get(path, headers=headers) as response:
        body = await response.read()
        is_json = response.content_type == "application/json"
        return response.status, json.loads(body) if is_json else None, body


async def test_every_route_refuses_missing_forged_and_stale_sign_in(saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    await member(saima)
    good = init_data(saima, 1001)
    stale = init_data(saima, 1001, at=saima.clock.now() - timedelta(seconds=saima.config.webapp.max_age + 1))
    forged = init_data(saima, 1001, token="999:not-this-bots-token")
    tampered = good.replace("1001", "1002")
    for path in SIGNED_ROUTES:
        for auth, reason in [(None, "missing"), ("Bearer " + good, "missing"), ("tma ", "missing"),
                             ("tma " + forged, "forged"), ("tma " + tampered, "forged"), ("tma " + stale, "stale")]:
            status, body, _ = await get(client, path, auth)
            assert (status, body["error"]) == (401, reason), (path, auth)
            assert body["message"] and body["message_en"] and "张三" not in json.dumps(body, ensure_ascii=False)


async def test_strangers_and_members_asking_the_offices_data_are_refused(saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    await member(saima)
    for path in SIGNED_ROUTES:
        status, body, _ = await get(client, path, "tma " + init_data(saima, 4242))  # in no team
        assert (status, body["error"]) == (403, "not_a_member")
    for path in OFFICE_ROUTES:
        status, body, _ = await get(client, path, "tma " + init_data(saima, 1001))
        assert (status, body["error"]) == (403, "office_only")
        assert body["message"] == "此功能仅限办公室（管理员）使用。"
    for path in set(ROUTES) - set(OFFICE_ROUTES):
        assert (await get(client, path, "tma " + init_data(saima, 1001)))[0] == 200


async def test_another_teams_office_never_sees_a_byte_of_this_team(saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    saima.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    zhang, li, tom, _ = await a_board_that_moved(saima)
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await assign(saima, admin, "整改台账", "11月30日")
    motion_id = a_motion(saima, 1001, number="123", title="关于加快山区公路建设的建议", assigned_on=date(2026, 8, 1))
    follow_up_id = a_finding(saima, 1001, "村道破损严重", department="县交通运输局")
    await another_teams_owner(saima)
    secrets = ("张三", "李四", "Tom", "淳安", "省政府党组", "整改台账", "李主任", "山区公路", "村道", "交通运输局")
    for path in ROUTES:
        status, body, raw = await get(client, path, "tma " + init_data(saima, 900002))
        assert status == 200, path
        text = raw.decode("utf-8", "replace") if body is not None else _workbook_text(raw)
        for secret in secrets:
            assert secret not in text, (path, secret)
    status, tasks, _ = await get(client, "/api/tasks", "tma " + init_data(saima, ADMIN_ID))
    ids = {"assignment": tasks["tasks"][0]["assignees"][0]["assignment"], "motion": motion_id,
           "follow_up": follow_up_id}
    for kind in HISTORY_KINDS:
        assert (await get(client, f"/api/history?{kind}={ids[kind]}", "tma " + init_data(saima, ADMIN_ID)))[0] == 200
        status, body, raw = await get(client, f"/api/history?{kind}={ids[kind]}", "tma " + init_data(saima, 900002))
        assert (status, body["error"]) == (404, "not_found"), kind
        assert not any(secret in raw.decode("utf-8") for secret in secrets), kind


async def test_a_year_or_an_id_that_is_no_number_the_database_holds_is_refused_plainly(
        saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    """A 5,000-digit year, a year in full-width digits, an id past what an id column holds (PostgreSQL's INTEGER):
    each gets the route's own refusal, in Chinese and English, never a server error."""
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    office = "tma " + init_data(saima, ADMIN_ID)
    for path in ("/api/ledger?year=" + "9" * 5000, "/api/motions?year=" + "9" * 5000, "/api/ledger.xlsx?year=-1",
                 "/api/motions?year=２０２６", "/api/ledger?year=1999"):
        status, body, _ = await get(client, path, office)
        assert (status, body) == (400, {"error": "bad_year", "message": "请选择 2000 年至 2026 年之间的年份。",
                                        "message_en": "Ask for a year from 2000 to 2026."}), path[:40]
    for query in ("assignment=2147483648", "assignment=9223372036854775808", "motion=99999999999999999999999",
                  "follow_up=" + "9" * 5000, "motion=٣", "motion=0"):
        status, body, _ = await get(client, "/api/history?" + query, office)
        assert (status, body["error"]) == (404, "not_found"), query[:40]


def _workbook_text(content: bytes) -> str:
    book = load_workbook(BytesIO(content))
    return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)


async def test_a_member_of_two_teams_sees_the_team_their_chat_acts_in(saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    """张三 is in two teams; opening a team's invite link again switches his chat to it (test_who_may.py), and
    the dashboard follows the chat, not the team he joined last."""
    other_code = second_team(saima)
    zhang = await member(saima)
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")  # in 省政府党组
    await zhang.send(f"/start {other_code}")  # joined 市政府党组: the chat acts in it
    status, me, _ = await get(client, "/api/me", "tma " + init_data(saima, 1001))
    assert (status, me["team"], me["trips"]) == (200, "市政府党组", [])
    assert (await zhang.send(f"/start {saima.invite_code}")).text.startswith("您已是「省政府党组」的成员")
    shown = (await zhang.send("/me")).text
    status, me, _ = await get(client, "/api/me", "tma " + init_data(saima, 1001))
    assert (status, me["team"], [trip["places"] for trip in me["trips"]]) == (200, "省政府党组", ["淳安县"])
    assert f"下基层调研 {me['duties'][0]['done']}/" in shown
    status, board, _ = await get(client, "/api/board?period=year", "tma " + init_data(saima, 1001))
    assert status == 200 and [row["name"] for row in board["rows"]] == ["张三"]
    await zhang.send(f"/start {other_code}")  # and back to 市政府党组
    assert (await get(client, "/api/me", "tma " + init_data(saima, 1001)))[1]["team"] == "市政府党组"


async def test_the_members_page_has_the_numbers_me_shows(saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    zhang = await member(saima)
    members_since_new_year(saima)
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    await zhang.press(await zhang.send("/study 昨天下午 集体学习 2小时 优化营商环境条例"), "确认")
    shown = (await zhang.send("/me")).text
    status, me, _ = await get(client, "/api/me", "tma " + init_data(saima, 1001))
    assert status == 200 and me["name"] == "张三" and me["lang"] == "zh" and not me["office"]
    assert [d["name"] for d in me["duties"]] == ["下基层调研", "重点调研课题", "集体学习", "集体学法", "领办重点建议",
                                                 "领办重点提案"]
    for duty in me["duties"]:
        assert f"{duty['name']} {duty['done']}/{duty['target']} {duty['unit']}" in shown
        assert f"按全年进度应完成 {duty['expected']}；季度目标 {duty['quarter_target']}" in shown
    research = me["duties"][0]
    assert (research["done"], research["target"]) == ("4", "60")
    assert me["words"]["board"] == "赛马榜"


async def test_the_team_s_own_duties_are_on_the_member_s_page_and_in_the_board_s_terms(
        saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    """The office added 接访下访 (12 days a year, weight 5): 我的年度 shows it after the six with /me's numbers,
    and the board's per-duty bars have its points."""
    zhang = await member(saima)
    members_since_new_year(saima)
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    assert (await admin.send("/duty 接访下访 天 12 5")).text.startswith("已增设")
    await zhang.send("/log 接访下访 2 昨天 接待群众来访")
    shown = (await zhang.send("/me")).text
    status, me, _ = await get(client, "/api/me", "tma " + init_data(saima, 1001))
    assert status == 200 and len(me["duties"]) == 7
    own = me["duties"][-1]
    assert (own["name"], own["done"], own["target"], own["unit"]) == ("接访下访", "2", "12", "天")
    assert "接访下访 2/12 天" in shown
    status, board, _ = await get(client, "/api/board?period=year", "tma " + init_data(saima, ADMIN_ID))
    (row,) = [row for row in board["rows"] if row["name"] == "张三"]
    assert [term["name"] for term in row["duties"]][-1] == "接访下访"
    assert row["duties"][-1]["weight"] == 5 and row["duties"][-1]["points"] > 0


async def test_the_board_has_ranks_order_for_each_period(saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    await a_board_that_moved(saima)
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    for words, period in [("", "month"), ("季度", "quarter"), ("年度", "year")]:
        replies = await admin.send(f"/rank {words}".strip(), expect=2)
        text = replies[0].text
        status, board, _ = await get(client, f"/api/board?period={period}", "tma " + init_data(saima, ADMIN_ID))
        assert status == 200 and board["period"] == period
        names = [row["name"] for row in board["rows"]]
        assert sorted(names) == ["Tom", "张三", "李四"]
        assert sorted(names, key=text.index) == names, (period, text)
        for row in board["rows"]:
            assert f"{row['name']}" in text and row["total"] in text
    assert (await get(client, "/api/board?period=week", "tma " + init_data(saima, ADMIN_ID)))[0] == 400


async def assign(saima: Saima, admin: SimUser, title: str, due: str) -> None:
    """The admin assigns ``title`` due ``due`` to every member (no details, no attachment)."""
    async def choose(message: BotMessage, label: str) -> BotMessage:
        replies = await admin.press(message, label, expect=2)
        assert isinstance(replies, list)
        return replies[-1]

    card = await choose(await admin.send(f"/task {title} {due}"), "无具体要求")
    card = await choose(await choose(card, "全体成员"), "无附件")
    await admin.press(card, "确认")


async def test_the_tasks_board_lights_an_overdue_assignment_red(saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    saima.clock.set(datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI))
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await member(saima)
    await assign(saima, admin, "整改台账", "11月20日")
    await assign(saima, admin, "调研报告", "11月25日")
    await assign(saima, admin, "年终总结", "12月20日")
    saima.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    # 张三 never signed for them (签收): past the 2 working days allowed, the ones not yet overdue are 黄, as
    # /tasks shows them (core.task_lights, the one rule)
    for who in (ADMIN_ID, 1001):
        status, data, _ = await get(client, "/api/tasks", "tma " + init_data(saima, who))
        assert status == 200
        lights = {task["title"]: [(a["name"], a["light"]) for a in task["assignees"]] for task in data["tasks"]}
        assert lights == {"整改台账": [("张三", "red")], "调研报告": [("张三", "yellow")],
                          "年终总结": [("张三", "yellow")]}
    status, me, _ = await get(client, "/api/me", "tma " + init_data(saima, 1001))
    assert [(item["title"], item["light"]) for item in me["items"]] == [
        ("整改台账", "red"), ("调研报告", "yellow"), ("年终总结", "yellow")]


async def test_the_ledger_is_the_export_as_tables_and_the_same_workbook(
        saima: Saima, client: TestClient, emulator_thread: EmulatorThread) -> None:  # type: ignore[type-arg]
    zhang = await member(saima)
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 共同富裕"), "确认")
    export = await admin.send("/export")
    sent = [f for f in emulator_thread.emulator.world.files.by_id.values() if f.file_name == export.file_name]
    status, _, content = await get(client, "/api/ledger.xlsx?year=2026", "tma " + init_data(saima, ADMIN_ID))
    assert status == 200
    ours = load_workbook(BytesIO(content))
    assert ours.sheetnames == ["进度", "调研", "办理事项", "学习", "出席", "建议提案", "督办事项", "重点课题", "考评"]
    status, tables, _ = await get(client, "/api/ledger?year=2026", "tma " + init_data(saima, ADMIN_ID))
    assert [sheet["title"] for sheet in tables["sheets"]] == ours.sheetnames
    for sheet in tables["sheets"]:
        rows = list(ours[sheet["title"]].iter_rows(values_only=True))
        assert list(rows[0]) == sheet["headers"]
        assert len(rows) - 1 == len(sheet["rows"])
    assert tables["sheets"][1]["rows"][0][1].startswith("2026-11-05")
    theirs = load_workbook(BytesIO(bytes(sent[-1].content)))
    assert {name: list(theirs[name].iter_rows(values_only=True)) for name in theirs.sheetnames} == {
        name: list(ours[name].iter_rows(values_only=True)) for name in ours.sheetnames}
    assert (await get(client, "/api/ledger?year=1999", "tma " + init_data(saima, ADMIN_ID)))[0] == 400


async def test_the_members_trips_and_the_grids_leave_and_took_office(saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    zhang = await member(saima)
    await member(saima, 1002, "王五")
    members_since_new_year(saima)
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    await zhang.press(await zhang.send("/trip 3月2日 德清县 地理信息小镇建设调研"), "确认")
    wang = stored_member(saima, 1002)
    with saima.db.session() as session:
        session.add(LeavePeriod(member_id=wang.id, kind=LeaveKind.TRAINING, start_date=date(2026, 11, 16),
                                end_date=date(2026, 11, 27), recorded_by_member_id=None, created_at=saima.clock.now()))
    status, me, _ = await get(client, "/api/me", "tma " + init_data(saima, 1001))
    assert [(trip["start"], trip["end"], trip["places"]) for trip in me["trips"]] == [
        ("2026-03-02", "2026-03-02", "德清县"), ("2026-11-05", "2026-11-08", "淳安县")]
    status, grid, _ = await get(client, "/api/grid", "tma " + init_data(saima, ADMIN_ID))
    rows = {row["name"]: row for row in grid["rows"]}
    assert set(rows) == {"张三", "王五"}  # the office does not race
    assert rows["王五"]["leave"] == [["2026-11-16", "2026-11-27"]] and rows["王五"]["on_leave"]
    assert rows["张三"]["leave"] == [] and not rows["张三"]["on_leave"]
    assert rows["张三"]["duties"][0] == {"duty": "research_days", "done": "5", "target": "60", "status": "lagging"}
    assert [d["name"] for d in grid["duties"]][0] == "下基层调研"


async def test_english_for_who_chose_it_and_names_as_the_team_chose(saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    await a_board_that_moved(saima)  # 张三, 李四 and Tom (in English)
    status, me, _ = await get(client, "/api/me", "tma " + init_data(saima, 1010))
    assert me["lang"] == "en" and me["words"]["board"] == "Race board" and me["duties"][0]["name"] == "Grassroots research"
    with saima.db.session() as session:
        session.execute(update(Team).where(Team.id == saima.team_id).values(show_names_in_race=False))
    status, board, _ = await get(client, "/api/board?period=month", "tma " + init_data(saima, 1010))
    assert [(row["name"], row["own"]) for row in board["rows"]] == [("Member A", False), ("Member B", False),
                                                                    ("Tom", True)]
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    status, board, _ = await get(client, "/api/board?period=month", "tma " + init_data(saima, ADMIN_ID))
    assert [row["name"] for row in board["rows"]] == ["张三", "李四", "Tom"]  # the office always sees names


def sign_and_extend(saima: Saima, assignment_id: int, *, signed: date, asked: date, to: date) -> None:
    """The assignee signs for the assignment (签收) and asks for more time until ``to``, which the office
    grants the day it is asked."""
    with saima.db.session() as session:
        found, office = task_storage.find(session, assignment_id), member_storage.current(session, ADMIN_ID)
        assert found is not None and office is not None
        assert task_storage.sign(session, found, now=_at(signed)) is None
        request = task_storage.ask(session, found, RequestKind.EXTENSION, text="数据待统计局发布", proposed=to,
                                   now=_at(asked))
        assert isinstance(request, TaskRequest)
        assert task_storage.answer(session, request, found, RequestState.APPROVED, actor=office,
                                   now=_at(asked)) is None


async def test_an_assignments_history_for_its_assignee_and_the_office_only(saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    saima.clock.set(datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI))
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await member(saima)
    await member(saima, 1002, "王五")
    await assign(saima, admin, "整改台账", "11月20日")
    status, data, _ = await get(client, "/api/tasks", "tma " + init_data(saima, ADMIN_ID))
    ids = {a["name"]: a["assignment"] for a in data["tasks"][0]["assignees"]}
    sign_and_extend(saima, ids["张三"], signed=date(2026, 11, 17), asked=date(2026, 11, 18), to=date(2026, 11, 27))
    for who in (1001, ADMIN_ID):  # the tasks board shows 张三's own deadline beside the task's
        status, data, _ = await get(client, "/api/tasks", "tma " + init_data(saima, who))
        assert {a["name"]: a["moved_to"] for a in data["tasks"][0]["assignees"]} == (
            {"张三": "2026-11-27T18:00:00+08:00"} if who == 1001 else
            {"张三": "2026-11-27T18:00:00+08:00", "王五": None})
    status, tables, _ = await get(client, "/api/ledger?year=2026", "tma " + init_data(saima, ADMIN_ID))
    sheet = next(sheet for sheet in tables["sheets"] if sheet["key"] == "tasks")
    in_ledger = {row[sheet["headers"].index("承办人")]: row[sheet["headers"].index("办理过程")] for row in sheet["rows"]}
    assert in_ledger == {"张三": "2026-11-16 交办，时限 2026-11-20；2026-11-17 签收；"
                                 "2026-11-18 延期申请：数据待统计局发布 → 2026-11-27（2026-11-18 已同意，时限由2026-11-20延后）",
                         "王五": "2026-11-16 交办，时限 2026-11-20"}
    for who, assignment, expected in [(1001, ids["张三"], 200), (1001, ids["王五"], 404), (ADMIN_ID, ids["王五"], 200),
                                      (1002, ids["王五"], 200), (ADMIN_ID, ids["张三"], 200)]:
        status, body, _ = await get(client, f"/api/history?assignment={assignment}", "tma " + init_data(saima, who))
        assert status == expected, (who, assignment)
        if status == 200:  # the ledger's 办理过程, signing and requests included (they had been left out here)
            name = "张三" if assignment == ids["张三"] else "王五"
            assert body == {"assignment": assignment, "title": "整改台账", "history": in_ledger[name]}
        else:
            assert body["error"] == "not_found" and "整改台账" not in json.dumps(body, ensure_ascii=False)
    await another_teams_owner(saima)
    for path in (f"/api/history?assignment={ids['张三']}", "/api/history?assignment=x"):
        assert (await get(client, path, "tma " + init_data(saima, 900002)))[0] == 404
        status, body, _ = await get(client, path, "tma " + init_data(saima, 1001, token="9:forged"))
        assert (status, body["error"]) == (401, "forged")


async def test_a_members_records_list_the_study_sessions_they_attended_this_year(
        saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    zhang = await member(saima)
    await member(saima, 1002, "王五")
    await zhang.press(await zhang.send("/study 昨天下午 集体学习 2小时 优化营商环境条例"), "确认")
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    yesterday = (saima.clock.now().astimezone(SHANGHAI) - timedelta(days=1)).date().isoformat()
    status, me, _ = await get(client, "/api/me", "tma " + init_data(saima, 1001))
    assert status == 200 and me["words"]["study"] == "学习"
    assert me["study"] == [{"day": yesterday, "kind": "collective", "kind_words": "集体学习",
                            "hours": "2 小时", "topic": "优化营商环境条例"}]
    assert len(me["trips"]) == 1
    status, other, _ = await get(client, "/api/me", "tma " + init_data(saima, 1002))
    assert other["study"] == []  # another member's records are theirs


def a_motion(saima: Saima, telegram_id: int, *, number: str, title: str, assigned_on: date,
             kind: MotionKind = MotionKind.SUGGESTION, is_key: bool = True) -> int:
    """A motion the member leads, stored (and audited) as /proposal stores it; its id."""
    with saima.db.session() as session:
        lead = member_storage.current(session, telegram_id)
        assert lead is not None
        return motion_storage.create(session, lead=lead, kind=kind, number=number, title=title, is_key=is_key,
                                     assigned_on=assigned_on, reply_due_months=3, now=saima.clock.now()).id


def a_finding(saima: Saima, telegram_id: int, content: str, *, department: str,
              feedback_due: date | None = None) -> int:
    """A finding on the member's latest trip, assigned to ``department`` at once (feedback due 30 days after the
    trip unless given); its id."""
    with saima.db.session() as session:
        found = member_storage.current(session, telegram_id)
        assert found is not None
        trip = trip_storage.own_trips(session, found.id)[-1]
        return trip_storage.add_finding(session, member=found, trip=trip, content=content, department=department,
                                        feedback_due=feedback_due or trip.end_date + timedelta(days=30),
                                        now=saima.clock.now()).id


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)


def move_motion(saima: Saima, motion_id: int, telegram_id: int, day: date, step: str, **values: Any) -> None:
    """The office moves the motion on ``day`` with a rule of core.motions (reply, feedback or extension)."""
    with saima.db.session() as session:
        office = member_storage.current(session, telegram_id)
        motion = motion_storage.by_id(session, motion_id)
        assert office is not None and motion is not None
        state = motion_storage.state_of(motion)
        rules: dict[str, Callable[..., motion_rules.MotionState]] = {
            "reply": motion_rules.reply, "feedback": motion_rules.record_satisfaction,
            "extend": motion_rules.extend_due}
        motion_storage.apply(session, motion, rules[step](state, today=day, **values), action=step, actor=office,
                             now=_at(day))


async def test_a_motions_history_is_the_ledgers_and_only_its_lead_and_the_office_see_it(
        saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    saima.clock.set(datetime(2026, 5, 1, 10, 0, tzinfo=SHANGHAI))
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await member(saima)
    await member(saima, 1002, "王五")
    motion_id = a_motion(saima, 1001, number="123", title="关于加快山区公路建设的建议", assigned_on=date(2026, 5, 1))
    move_motion(saima, motion_id, ADMIN_ID, date(2026, 7, 20), "reply", replied_on=date(2026, 7, 20),
                result_class=ResultClass.B)
    move_motion(saima, motion_id, ADMIN_ID, date(2026, 8, 3), "feedback", satisfaction=Satisfaction.UNSATISFIED)
    move_motion(saima, motion_id, ADMIN_ID, date(2026, 9, 25), "reply", replied_on=date(2026, 9, 25),
                result_class=ResultClass.A)
    move_motion(saima, motion_id, ADMIN_ID, date(2026, 10, 8), "feedback", satisfaction=Satisfaction.SATISFIED)
    saima.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    status, tables, _ = await get(client, "/api/ledger?year=2026", "tma " + init_data(saima, ADMIN_ID))
    sheet = next(sheet for sheet in tables["sheets"] if sheet["key"] == "motions")
    in_ledger = sheet["rows"][0][sheet["headers"].index("办理过程")]
    assert in_ledger == ("2026-05-01 交办，时限 2026-08-01；2026-07-20 答复（B类）；"
                         "2026-08-03 不满意，重新办理，时限 2026-09-03；2026-09-25 答复（A类）；"
                         "2026-10-08 代表委员评价：满意")
    for who, expected in [(1001, 200), (ADMIN_ID, 200), (1002, 404)]:
        status, body, raw = await get(client, f"/api/history?motion={motion_id}", "tma " + init_data(saima, who))
        assert status == expected, who
        if status == 200:
            assert body == {"motion": motion_id, "title": "关于加快山区公路建设的建议", "history": in_ledger}
        else:
            assert body["error"] == "not_found" and "山区公路" not in raw.decode("utf-8")
    for path in (f"/api/history?motion={motion_id}&assignment=1", "/api/history?motion=x", "/api/history",
                 f"/api/history?motion={motion_id + 1}"):
        assert (await get(client, path, "tma " + init_data(saima, ADMIN_ID)))[0] == 404, path
    status, body, _ = await get(client, f"/api/history?motion={motion_id}", "tma " + init_data(saima, 1001, token="9:x"))
    assert (status, body["error"]) == (401, "forged")


async def test_a_findings_follow_up_history_for_its_member_and_the_office_only(
        saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    saima.clock.set(datetime(2026, 11, 10, 10, 0, tzinfo=SHANGHAI))
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    zhang = await member(saima)
    await member(saima, 1002, "王五")
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    item_id = a_finding(saima, 1001, "村道破损严重", department="县交通运输局")
    for day, target, note in [(date(2026, 11, 12), FollowUpStatus.HANDLED, None),
                              (date(2026, 11, 16), FollowUpStatus.FED_BACK, "已修复并告知村委会")]:
        with saima.db.session() as session:
            office = member_storage.current(session, ADMIN_ID)
            item = trip_storage.visible_item(session, office, item_id) if office else None
            assert office is not None and item is not None
            assert trip_storage.advance(session, item=item, target=target, actor=office, now=_at(day),
                                        note=note) is None
    status, me, _ = await get(client, "/api/me", "tma " + init_data(saima, 1001))
    assert [item["id"] for item in me["items"] if item["kind"] == "follow_up"] == [item_id]  # not closed yet
    for who, expected in [(1001, 200), (ADMIN_ID, 200), (1002, 404)]:
        status, body, _ = await get(client, f"/api/history?follow_up={item_id}", "tma " + init_data(saima, who))
        assert status == expected, who
        if status == 200:
            assert body == {"follow_up": item_id, "title": "村道破损严重", "history": (
                "2026-11-10 提出，反馈时限 2026-12-08；2026-11-10 交县交通运输局办理；2026-11-12 办理完毕；"
                "2026-11-16 向基层反馈：已修复并告知村委会")}
    await another_teams_owner(saima)
    assert (await get(client, f"/api/history?follow_up={item_id}", "tma " + init_data(saima, 900002)))[0] == 404


async def test_a_members_follow_ups_are_lit_as_the_office_boards_light_their_items(
        saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    """The page's legend: 🔴 overdue, 🔵 due within 3 days, 🟢 done on the member's side (fed back), none
    otherwise: a follow-up due in three weeks is not 🟢, one due the day after tomorrow not 🟡 (behind plan)."""
    saima.clock.set(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
    zhang = await member(saima)
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    late = a_finding(saima, 1001, "村道破损严重", department="县交通运输局", feedback_due=date(2026, 11, 19))
    soon = a_finding(saima, 1001, "学校缺少教师", department="县教育局", feedback_due=date(2026, 11, 22))
    later = a_finding(saima, 1001, "电商物流不畅", department="县商务局", feedback_due=date(2026, 12, 11))
    status, me, _ = await get(client, "/api/me", "tma " + init_data(saima, 1001))
    assert status == 200
    assert [(item["id"], item["light"]) for item in me["items"] if item["kind"] == "follow_up"] == [
        (late, "red"), (soon, "blue"), (later, "")]


async def test_the_offices_motions_with_deadline_light_result_and_stage(saima: Saima, client: TestClient) -> None:  # type: ignore[type-arg]
    saima.clock.set(datetime(2026, 5, 1, 10, 0, tzinfo=SHANGHAI))
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await member(saima)
    await member(saima, 1002, "王五")
    late = a_motion(saima, 1001, number="123", title="关于加快山区公路建设的建议", assigned_on=date(2026, 8, 1))
    done = a_motion(saima, 1002, number="8", title="关于加强基层医疗的提案", assigned_on=date(2026, 5, 1),
                    kind=MotionKind.PROPOSAL, is_key=False)
    soon = a_motion(saima, 1002, number="9", title="关于完善养老服务的提案", assigned_on=date(2026, 8, 25),
                    kind=MotionKind.PROPOSAL)
    old = a_motion(saima, 1001, number="77", title="关于去年的建议", assigned_on=date(2025, 12, 1))  # last year's
    move_motion(saima, done, ADMIN_ID, date(2026, 7, 20), "reply", replied_on=date(2026, 7, 20),
                result_class=ResultClass.A)
    move_motion(saima, done, ADMIN_ID, date(2026, 7, 30), "feedback", satisfaction=Satisfaction.BASICALLY)
    saima.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    status, data, _ = await get(client, "/api/motions", "tma " + init_data(saima, ADMIN_ID))
    assert status == 200 and data["year"] == 2026
    rows = {row["id"]: row for row in data["motions"]}
    # the open ones first, the soonest deadline first: last year's still open among them (the office follows it)
    assert list(rows) == [old, late, soon, done]
    assert (rows[old]["assigned_on"], rows[old]["light"]) == ("2025-12-01", "red")
    assert {key: rows[late][key] for key in ("number_words", "kind_words", "title", "lead", "reply_due", "light",
                                             "status_words", "result_words", "satisfaction_words")} == {
        "number_words": "第123号", "kind_words": "人大建议", "title": "关于加快山区公路建设的建议", "lead": "张三",
        "reply_due": "2026-11-01", "light": "red", "status_words": "已交办", "result_words": "",
        "satisfaction_words": ""}
    assert (rows[done]["light"], rows[done]["result_class"], rows[done]["satisfaction_words"],
            rows[done]["status"]) == ("green", "A", "基本满意", "closed")
    assert (rows[soon]["reply_due"], rows[soon]["light"], rows[soon]["lead"]) == ("2026-11-25", "blue", "王五")
    assert [stage["words"] for stage in data["stages"]][0] == "已交办"
    status, last_year, _ = await get(client, "/api/motions?year=2025", "tma " + init_data(saima, ADMIN_ID))
    assert status == 200 and [row["id"] for row in last_year["motions"]] == [old]  # a past year: its own only
    status, me, _ = await get(client, "/api/me", "tma " + init_data(saima, 1001))
    assert [(item["kind"], item["id"], item["light"]) for item in me["items"]] == [("motion", old, "red"),
                                                                                   ("motion", late, "red")]
    status, body, _ = await get(client, "/api/motions", "tma " + init_data(saima, 1001))
    assert (status, body["error"]) == (403, "office_only")
