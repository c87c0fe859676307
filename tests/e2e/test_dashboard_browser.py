"""The dashboard in a real browser (Debian's headless Chromium through chromedriver, as the playground's
test): a stub `window.Telegram.WebApp` with initData signed by the test is injected before the page loads
(CDP Page.addScriptToEvaluateOnNewDocument), at a phone's width (360 px) and a desktop's. A member sees
their duties in Chinese with the numbers /me shows; the office switches the board to 季度 and sees /rank
季度's order; the 督办 board shows an overdue assignment in red; forged initData shows a clear error and
no data. Each page's screenshot (phone and desktop) is written to screenshots/ (git-ignored)."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from core.domain import MotionKind, ResultClass, Satisfaction
from core.init_data import sign
from storage.models import TaskAssignment
from tests.conftest import SHANGHAI
from tests.e2e.conftest import ADMIN_ID, Saima
from tests.e2e.helpers import a_board_that_moved, member, members_since_new_year
from tests.e2e.test_dashboard_api import a_motion, assign, move_motion, sign_and_extend
from webapp.server import DashboardServer

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PHONE, DESKTOP = (360, 740), (1200, 900)
WAIT = 30.0
THEME = {"bg_color": "#ffffff", "text_color": "#222222", "hint_color": "#707579", "button_color": "#3390ec",
         "button_text_color": "#ffffff", "secondary_bg_color": "#f1f1f4", "link_color": "#3390ec"}
T = TypeVar("T")


def with_chinese_font(folder: Path) -> dict[str, str]:
    """The environment for Chromium with the project's bundled Noto Sans SC (pylopdf-fonts-zh-cn, the race
    chart's font) added to fontconfig's, so screenshots show Chinese on a machine without CJK fonts (a
    phone has its own)."""
    import pylopdf_fonts_zh_cn

    conf = folder / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<dir>{pylopdf_fonts_zh_cn.sans_path().parent}</dir><cachedir>{folder / "fontcache"}</cachedir></fontconfig>
""", encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    assert CHROMIUM.exists() and CHROMEDRIVER.exists(), (
        f"{CHROMIUM} and {CHROMEDRIVER} are needed: run `make browser` (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={DESKTOP[0]},{DESKTOP[1]}", "--lang=zh-CN"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER),
                                                               env=with_chinese_font(tmp_path)))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
async def dashboard(saima: Saima) -> AsyncIterator[str]:
    """The dashboard on a free loopback port, in the test's event loop; its address."""
    server = DashboardServer(replace(saima.config, webapp=replace(saima.config.webapp, port=0)), saima.db, saima.clock)
    await server.start()
    try:
        yield f"http://127.0.0.1:{server.port}/app/"
    finally:
        await server.stop()


def stub(init_data: str, language: str = "zh", theme: dict[str, str] | None = None) -> str:
    """Telegram's WebApp object as a Telegram client gives it to the page."""
    web_app = {"initData": init_data, "initDataUnsafe": {"user": {"id": 0, "language_code": language}},
               "themeParams": theme or THEME, "colorScheme": "light", "platform": "tdesktop", "version": "8.0"}
    return ("window.Telegram = {WebApp: Object.assign(" + json.dumps(web_app) +
            ", {ready: function () {}, expand: function () {}})};")


class Page:
    """The browser, used from a worker thread (the dashboard answers on the test's event loop)."""

    def __init__(self, driver: WebDriver, url: str) -> None:
        self.driver, self.url = driver, url
        self._script: str | None = None

    def open(self, init_data: str, size: tuple[int, int], fragment: str = "",
             theme: dict[str, str] | None = None) -> None:
        if self._script is not None:
            self.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": self._script})
        self._script = self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                                   {"source": stub(init_data, theme=theme)})["identifier"]
        self.driver.set_window_size(*size)
        self.driver.get(self.url + fragment)

    def ready(self) -> None:
        self.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1", "the page drew")

    def until(self, condition: Callable[[WebDriver], Any], what: str) -> Any:
        return WebDriverWait(self.driver, WAIT, poll_frequency=0.1).until(condition, message=what)

    def texts(self, selector: str) -> list[str]:
        return [str(e.get_attribute("textContent")) for e in self.driver.find_elements(By.CSS_SELECTOR, selector)]

    def tab(self, page: str) -> None:
        self.driver.find_element(By.CSS_SELECTOR, f'#tabs [data-page="{page}"]').click()

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        width = self.driver.get_window_size()["width"]
        kind = "phone" if width < 600 else "desktop"
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(width, max(400, min(int(height) + 140, 2400)))
        self.driver.save_screenshot(str(SCREENSHOTS / f"dashboard-{name}-{kind}.png"))

    def fits(self) -> bool:
        """Nothing wider than the window (no sideways scrolling of the page)."""
        return bool(self.driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth + 1"))


async def in_browser(work: Callable[[], T]) -> T:
    return await asyncio.to_thread(work)


def signed(saima: Saima, user_id: int, token: str | None = None) -> str:
    return sign(token or saima.config.telegram.token, user={"id": user_id, "first_name": "x"},
                auth_date=saima.clock.now())


async def test_a_member_sees_their_duties_in_chinese_with_the_numbers_me_shows(
        saima: Saima, dashboard: str, browser: WebDriver) -> None:
    zhang = await member(saima)
    members_since_new_year(saima)
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    await zhang.press(await zhang.send("/study 昨天下午 集体学习 2小时 优化营商环境条例"), "确认")
    shown = (await zhang.send("/me")).text
    page = Page(browser, dashboard)

    def look() -> list[tuple[str, str, str, str]]:
        cards = []
        for size in (PHONE, DESKTOP):
            page.open(signed(saima, 1001), size)
            page.ready()
            assert page.fits(), size
            assert browser.find_element(By.ID, "study-title").text == "学习"  # next to the trips
            assert [text.startswith("集体学习 · 优化营商环境条例 · 2 小时") for text in page.texts("#study li")] == [True]
            cards = list(zip(page.texts(".duty .head > span:first-child"), page.texts(".duty .done"),
                             page.texts(".duty .target"), page.texts(".duty .expected"), strict=True))
            assert page.texts("#tabs button") == ["我的年度", "赛马榜", "督办事项"]  # no office pages
            assert len(browser.find_elements(By.CSS_SELECTOR, ".duty svg .pace-line")) == 6
            page.shot("me")
        return cards

    cards = await in_browser(look)
    assert [name for name, *_ in cards] == ["下基层调研", "重点调研课题", "集体学习", "集体学法", "领办重点建议",
                                            "领办重点提案"]
    assert cards[0][1:3] == ("4", "60") and cards[2][1] == "1"
    for name, done, target, expected in cards:
        assert f"{name} {done}/{target} " in shown and f"按全年进度应完成 {expected}；" in shown


async def test_the_office_switches_the_board_to_the_quarter_and_sees_ranks_order(
        saima: Saima, dashboard: str, browser: WebDriver) -> None:
    await a_board_that_moved(saima)
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    board_text = (await admin.send("/rank 季度", expect=2))[0].text
    page = Page(browser, dashboard)

    def look() -> list[list[str]]:
        orders = []
        for size in (PHONE, DESKTOP):
            page.open(signed(saima, ADMIN_ID), size)
            page.ready()
            assert page.texts("#tabs button") == ["我的年度", "赛马榜", "督办事项", "建议提案", "成员", "台账"]
            page.tab("board")
            page.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-board") == "month", "month")
            browser.find_element(By.CSS_SELECTOR, '#periods [data-period="quarter"]').click()
            page.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-board") == "quarter",
                       "the quarter's board")
            assert browser.find_element(By.CSS_SELECTOR, '#periods [data-period="quarter"]').text == "季度"
            assert page.fits(), size
            orders.append(page.texts("#board-rows .name"))
            page.shot("board")
            page.tab("grid")
            page.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#grid tbody tr")) == 3, "the member grid")
            page.shot("grid")
            page.tab("ledger")
            page.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#ledger thead th")) > 0, "the ledger")
            page.shot("ledger")
        return orders

    orders = await in_browser(look)
    assert orders[0] == orders[1] and sorted(orders[0]) == ["Tom", "张三", "李四"]
    assert sorted(orders[0], key=board_text.index) == orders[0]


async def test_the_supervision_board_shows_an_overdue_assignment_in_red(
        saima: Saima, dashboard: str, browser: WebDriver) -> None:
    saima.clock.set(datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI))
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await member(saima)
    await member(saima, 1002, "王五")
    await assign(saima, admin, "整改台账", "11月20日")
    await assign(saima, admin, "年终总结", "12月20日")
    saima.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    page = Page(browser, dashboard)

    def look() -> list[tuple[str, str, str]]:
        seen: list[tuple[str, str, str]] = []
        for size in (PHONE, DESKTOP):
            page.open(signed(saima, ADMIN_ID), size)
            page.ready()
            page.tab("tasks")
            page.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".task")) == 2, "two tasks")
            seen = []
            for task in browser.find_elements(By.CSS_SELECTOR, ".task"):
                title = task.find_element(By.CSS_SELECTOR, ".title").text
                for dot in task.find_elements(By.CSS_SELECTOR, ".assignee .light"):
                    seen.append((title, str(dot.get_attribute("data-light")), dot.value_of_css_property("background-color")))
            page.shot("tasks")
            select = browser.find_element(By.ID, "task-light")
            select.find_element(By.CSS_SELECTOR, 'option[value="red"]').click()
            page.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".task")) == 1, "the red ones only")
            browser.find_element(By.CSS_SELECTOR, ".assignee").click()  # tapped: its history under it
            page.until(lambda d: "2026-11-16 交办，时限 2026-11-20" in d.find_element(By.CSS_SELECTOR, ".history").text,
                       "the assignment's history")
        return seen

    seen = await in_browser(look)
    red = "rgba(220, 38, 38, 1)"
    # neither was signed for (签收) within 2 working days: the one not overdue is 黄 (core.task_lights)
    assert [(title, light) for title, light, _ in seen] == [("整改台账", "red")] * 2 + [("年终总结", "yellow")] * 2
    assert {colour for _, light, colour in seen if light == "red"} == {red}
    assert {colour for _, light, colour in seen if light != "red"} != {red}


async def test_a_member_with_an_extension_sees_their_own_deadline_on_the_supervision_board(
        saima: Saima, dashboard: str, browser: WebDriver) -> None:
    saima.clock.set(datetime(2026, 11, 16, 10, 0, tzinfo=SHANGHAI))
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await member(saima)
    await assign(saima, admin, "整改台账", "11月20日")
    with saima.db.session() as session:
        assignment_id = session.scalars(select(TaskAssignment.id)).one()
    sign_and_extend(saima, assignment_id, signed=date(2026, 11, 16), asked=date(2026, 11, 18), to=date(2026, 11, 27))
    saima.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    page = Page(browser, dashboard)

    def look() -> str:
        page.open(signed(saima, 1001), PHONE)
        page.ready()
        page.tab("tasks")
        page.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".assignee")) == 1, "张三's assignment")
        return str(browser.find_element(By.CSS_SELECTOR, ".task").text)

    shown = await in_browser(look)
    assert shown.splitlines() == ["整改台账", "截止日期 2026-11-20 18:00", "张三 · 已交办 · 期限调整为 2026-11-27 18:00"]


async def test_the_office_sees_an_overdue_suggestion_in_red_and_taps_it_for_its_history(
        saima: Saima, dashboard: str, browser: WebDriver) -> None:
    saima.clock.set(datetime(2026, 5, 1, 10, 0, tzinfo=SHANGHAI))
    admin = saima.control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    await member(saima)
    await member(saima, 1002, "王五")
    late = a_motion(saima, 1001, number="123", title="关于加快山区公路建设的建议", assigned_on=date(2026, 8, 1))
    done = a_motion(saima, 1002, number="8", title="关于加强基层医疗的提案", assigned_on=date(2026, 5, 1),
                    kind=MotionKind.PROPOSAL)
    move_motion(saima, done, ADMIN_ID, date(2026, 7, 20), "reply", replied_on=date(2026, 7, 20),
                result_class=ResultClass.A)
    move_motion(saima, done, ADMIN_ID, date(2026, 7, 30), "feedback", satisfaction=Satisfaction.SATISFIED)
    saima.clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    page = Page(browser, dashboard)

    def look() -> list[tuple[str, str, str, str]]:
        seen: list[tuple[str, str, str, str]] = []
        for size in (PHONE, DESKTOP):
            page.open(signed(saima, ADMIN_ID), size)
            page.ready()
            page.tab("motions")
            page.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".motion")) == 2, "two motions")
            assert page.fits(), size
            seen = []
            for card in browser.find_elements(By.CSS_SELECTOR, ".motion"):
                dot = card.find_element(By.CSS_SELECTOR, ".light")
                seen.append((card.find_element(By.CSS_SELECTOR, ".title").text, str(dot.get_attribute("data-light")),
                             dot.value_of_css_property("background-color"), card.find_element(By.CSS_SELECTOR, ".due").text))
            page.shot("motions")
            select = browser.find_element(By.ID, "motion-member")  # 王五's only: the closed proposal
            select.find_element(By.XPATH, './/option[text()="王五"]').click()
            page.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".motion")) == 1, "王五's motions only")
            assert "满意" in browser.find_element(By.CSS_SELECTOR, ".motion .result").text
            browser.find_element(By.ID, "motion-status").find_element(By.CSS_SELECTOR, 'option[value="assigned"]').click()
            page.until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".motion"), "none of 王五's is only assigned")
            browser.find_element(By.ID, "motion-member").find_element(By.CSS_SELECTOR, 'option[value="*"]').click()
            page.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".motion")) == 1, "the overdue one")
            browser.find_element(By.CSS_SELECTOR, f'.motion[data-motion="{late}"]').click()  # tapped: its history
            page.until(lambda d: "2026-08-01 交办，时限 2026-11-01" in d.find_element(By.CSS_SELECTOR, ".history").text,
                       "the suggestion's history")
        page.open(signed(saima, 1001), PHONE)  # its lead taps it among their open items: the same history
        page.ready()
        browser.find_element(By.CSS_SELECTOR, '#items li[data-kind="motion"]').click()
        page.until(lambda d: "2026-08-01 交办，时限 2026-11-01" in d.find_element(By.CSS_SELECTOR, "#items .history").text,
                   "the history on the member's page")
        return seen

    seen = await in_browser(look)
    red = "rgba(220, 38, 38, 1)"
    assert [(title, light) for title, light, _, _ in seen] == [("人大建议 第123号\n关于加快山区公路建设的建议", "red"),
                                                              ("政协提案 第8号\n关于加强基层医疗的提案", "green")]
    assert seen[0][2] == red and seen[1][2] != red
    assert seen[0][3] == "领办人 张三 · 答复期限 2026-11-01 · 已交办"


async def test_forged_sign_in_shows_a_clear_error_and_no_data(saima: Saima, dashboard: str, browser: WebDriver) -> None:
    zhang = await member(saima)
    await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    page = Page(browser, dashboard)

    def look() -> list[str]:
        errors = []
        for size in (PHONE, DESKTOP):
            page.open(signed(saima, 1001, token="999:a-forgers-token"), size)
            page.until(lambda d: d.find_element(By.ID, "error").is_displayed(), "the error")
            errors.append(browser.find_element(By.ID, "error").text)
            body = browser.find_element(By.TAG_NAME, "body").text
            assert "张三" not in body and "淳安" not in body and "下基层调研" not in body
            assert not browser.find_elements(By.CSS_SELECTOR, ".duty")
            page.shot("forged")
        page.open("", PHONE)  # opened outside Telegram, not in the demo: no sign-in taken from the address
        page.until(lambda d: d.find_element(By.ID, "error").is_displayed(), "the error")
        errors.append(browser.find_element(By.ID, "error").text)
        return errors

    errors = await in_browser(look)
    assert errors[:2] == ["此页面的登录信息无效，请从机器人重新打开看板。"] * 2
    assert errors[2] == "请在 Telegram 中从机器人打开看板：此页面未经 Telegram 登录验证。"


async def test_only_the_demo_reads_the_sign_in_from_the_address(saima: Saima, browser: WebDriver) -> None:
    """`make demo`'s links carry initData in the address (#tgWebAppData=…) for an ordinary browser; a real
    server's page ignores it (and the demo's signature, made with another token, is refused anyway)."""
    await member(saima)
    link = "#tgWebAppData=" + quote(signed(saima, 1001), safe="")
    servers = {demo: DashboardServer(replace(saima.config, webapp=replace(saima.config.webapp, port=0)), saima.db,
                                     saima.clock, demo=demo) for demo in (True, False)}
    for server in servers.values():
        await server.start()
    try:
        def look() -> tuple[str, str]:
            browser.set_window_size(*DESKTOP)
            browser.get(f"http://127.0.0.1:{servers[True].port}/app/{link}")
            Page(browser, "").ready()
            demo_name = browser.find_element(By.ID, "who").text
            browser.get(f"http://127.0.0.1:{servers[False].port}/app/{link}")
            Page(browser, "").until(lambda d: d.find_element(By.ID, "error").is_displayed(), "the error")
            return demo_name, browser.find_element(By.ID, "error").text

        demo_name, refused = await in_browser(look)
    finally:
        for server in servers.values():
            await server.stop()
    assert demo_name == "张三 · 省政府党组"
    assert refused == "请在 Telegram 中从机器人打开看板：此页面未经 Telegram 登录验证。"


DARK = {"bg_color": "#17212b", "text_color": "#f5f5f5", "hint_color": "#708499", "button_color": "#5288c1",
        "button_text_color": "#ffffff", "secondary_bg_color": "#232e3c", "link_color": "#6ab3f3"}


async def test_the_page_follows_telegrams_dark_theme(saima: Saima, dashboard: str, browser: WebDriver) -> None:
    await member(saima)
    page = Page(browser, dashboard)

    def look() -> tuple[str, str, str]:
        page.open(signed(saima, 1001), PHONE, theme=DARK)
        page.ready()
        body = browser.find_element(By.TAG_NAME, "body")
        card = browser.find_element(By.CSS_SELECTOR, ".duty")
        page.shot("me-dark")
        return (body.value_of_css_property("background-color"), body.value_of_css_property("color"),
                card.value_of_css_property("background-color"))

    assert await in_browser(look) == ("rgba(23, 33, 43, 1)", "rgba(245, 245, 245, 1)", "rgba(35, 46, 60, 1)")
