"""The playground (`make run` without a token) driven in headless Chromium as a person would use it: pick a
member, send /help and read the answer, log a study session and press 确认, move the clock a day to Monday and
see the weekly summary arrive in the team's group and the board's chart drawn there, send a file.

The browser is Debian's chromium with its chromedriver (`make browser` installs them; `make test` runs it
first): without them this test fails, it does not skip. Nothing is loaded from the network.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TypeVar
from zoneinfo import ZoneInfo

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from config import Config
from playground import Playground

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Sunday 6 December 2026, 10:00 in Shanghai: a day later is Monday 09:05, when the weekly summary goes out.
SUNDAY = datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
WAIT = 20.0
T = TypeVar("T")


class PlaygroundThread:
    """A Playground on an event loop of its own, in a thread: the test's browser calls block."""

    def __init__(self, folder: Path, start: datetime) -> None:
        self.folder, self.start = folder, start
        self.url = ""
        self.playground: Playground | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="playground", daemon=True)

    def _run(self) -> None:
        async def main() -> None:
            self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
            playground = self.playground = Playground(Config(), folder=self.folder, start=self.start)
            try:
                self.url = await playground.start()
                self._ready.set()
                await self._stop.wait()
            except BaseException as error:  # reported to the test's thread
                self._error = error
            finally:
                self._ready.set()
                await playground.stop()

        asyncio.run(main())

    def __enter__(self) -> PlaygroundThread:
        self._thread.start()
        self._ready.wait(timeout=60)
        if self._error is not None or not self.url:
            raise RuntimeError("the playground did not start") from self._error
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=60)
        assert not self._thread.is_alive(), "the playground did not stop"


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[PlaygroundThread]:
    with PlaygroundThread(tmp_path, SUNDAY) as running:
        yield running


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    assert CHROMIUM.exists() and CHROMEDRIVER.exists(), (
        f"{CHROMIUM} and {CHROMEDRIVER} are needed: run `make browser` (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1200,900", "--lang=zh-CN"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def redrawn(read: Callable[[], T]) -> T:
    """``read()``, done again from the start if the page redrew the elements it held meanwhile (the page redraws
    its messages whenever the bot's transcript grows)."""
    for _ in range(5):
        try:
            return read()
        except StaleElementReferenceException:
            continue
    return read()


def texts(driver: WebDriver, selector: str) -> list[str]:
    """The text of every element matching `selector`."""
    return redrawn(lambda: [element.text for element in driver.find_elements(By.CSS_SELECTOR, selector)])


def buttons(driver: WebDriver, contains: str) -> list[WebElement]:
    """The buttons under the bot's message that contains `contains`."""
    return bot_message_with(driver, contains).find_elements(By.CSS_SELECTOR, ".keyboard button")


def wait_for_message(driver: WebDriver, contains: str, *, selector: str = "#messages .msg.bot") -> str:
    """Waits until a message shown contains `contains`; returns its text."""
    found = WebDriverWait(driver, WAIT, poll_frequency=0.1).until(
        lambda d: next((t for t in texts(d, selector) if contains in t), None),
        message=f"no message with {contains!r}")
    return str(found)


def bot_message_with(driver: WebDriver, contains: str) -> WebElement:
    for element in driver.find_elements(By.CSS_SELECTOR, "#messages .msg.bot"):
        if contains in element.text:
            return element
    raise AssertionError(f"no bot message with {contains!r}")


def choose(driver: WebDriver, view: str) -> None:
    redrawn(lambda: driver.find_element(By.CSS_SELECTOR, f'#views button[data-view="{view}"]').click())
    WebDriverWait(driver, WAIT, poll_frequency=0.1).until(
        lambda d: "current" in (d.find_element(By.CSS_SELECTOR, f'#views button[data-view="{view}"]')
                                .get_attribute("class") or ""))


def type_and_send(driver: WebDriver, text: str) -> None:
    box = driver.find_element(By.ID, "text")
    box.send_keys(text)
    driver.find_element(By.ID, "send").click()
    WebDriverWait(driver, WAIT, poll_frequency=0.1).until(lambda d: d.find_element(By.ID, "text")
                                                          .get_attribute("value") == "")


def test_a_person_uses_the_playground_in_a_browser(playground: PlaygroundThread, browser: WebDriver,
                                                   tmp_path: Path) -> None:
    browser.get(playground.url)
    WebDriverWait(browser, WAIT, poll_frequency=0.1).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#views button")) == 4)
    assert browser.find_element(By.TAG_NAME, "h1").text == "赛马 · 体验场"  # the page's own words, in Chinese
    assert [t.splitlines()[0] for t in texts(browser, "#views button")] == ["李主任", "张明", "王芳",
                                                                             "省政府党组工作群"]
    assert browser.find_element(By.ID, "clock").text == "2026-12-06 周日 10:00"

    # a member: the welcome from joining by the team's link, then /help and the bot's answer
    choose(browser, "600002")
    wait_for_message(browser, "欢迎张明")
    type_and_send(browser, "/help")
    wait_for_message(browser, "/help", selector="#messages .msg.mine")
    wait_for_message(browser, "/study")  # the help lists the commands a member may use

    # a log in one message, and its 确认 button pressed
    type_and_send(browser, "/study 昨天下午 集体学习 2小时 优化营商环境条例")
    wait_for_message(browser, "优化营商环境条例")
    def press_confirm() -> None:
        confirm = [b for b in buttons(browser, "优化营商环境条例") if b.text == "确认"]
        assert confirm, "the draft has no 确认 button"
        confirm[0].click()

    redrawn(press_confirm)
    saved = wait_for_message(browser, "✅ 已保存。")
    assert "学习记录" in saved
    assert not redrawn(lambda: buttons(browser, "✅ 已保存。"))

    # the clock a day on, to Monday 09:05: the weekly summary arrives in the team's group
    browser.find_element(By.ID, "day").click()
    WebDriverWait(browser, WAIT, poll_frequency=0.1).until(
        lambda d: d.find_element(By.ID, "clock").text == "2026-12-07 周一 09:05")
    choose(browser, "group")
    summary = wait_for_message(browser, "📋 每周小结 · 省政府党组")
    assert "集体学习" in summary or "学习" in summary
    type_and_send(browser, "/rank")  # in the group, as the office: the public board and its chart
    wait_for_message(browser, "🏇 赛马榜")
    WebDriverWait(browser, WAIT, poll_frequency=0.1).until(
        lambda d: d.execute_script("return [...document.querySelectorAll('#messages img.photo')]"
                                   ".some(i => i.complete && i.naturalWidth > 100)"),
        message="the board's chart is not shown")

    # a file, sent as the member: the emulator's document message shows with its name, and the bot answers it
    choose(browser, "600002")
    wait_for_message(browser, "✅ 已保存。")
    before = len(browser.find_elements(By.CSS_SELECTOR, "#messages .msg.bot"))
    report = tmp_path / "调研报告.txt"
    report.write_text("淳安县山区共富调研报告", encoding="utf-8")
    browser.find_element(By.ID, "file").send_keys(str(report))
    wait_for_message(browser, "调研报告.txt", selector="#messages .msg.mine")
    link = redrawn(lambda: browser.find_elements(By.CSS_SELECTOR, "#messages .msg.mine a.file")[-1].get_attribute("href"))
    assert link is not None and httpx.get(link, timeout=10).content == report.read_bytes()
    WebDriverWait(browser, WAIT, poll_frequency=0.1).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages .msg.bot")) > before)
    assert browser.find_element(By.ID, "status").text == ""  # no request of the page failed


def test_the_page_speaks_english_when_asked_and_refuses_an_unknown_view(playground: PlaygroundThread) -> None:
    state = httpx.get(playground.url + "api/state", params={"lang": "en"}, timeout=10).json()
    assert state["labels"]["day"] == "+1 day" and state["views"][-1]["role"].startswith("the team's group")
    refused = httpx.post(playground.url + "api/send", json={"view": "999", "text": "/help"}, timeout=10)
    assert refused.status_code == 400 and "no such view" in refused.json()["error"]
