"""Property-based tests over the running bot: in every conversation state (idle; mid /study, /trip and
/proposal at each step; mid /join; at a draft card; an admin's typed steps; a group chat), random text,
commands with random arguments, oversized and unicode-heavy input, and forged callback data never reach
the error handler, every private message and every press is answered (a group may stay silent), and
nothing is stored without Confirm.

One bot runs per test; each example first puts the user back into its state the way a user would,
then sends the generated input. Errors are caught by a log handler: the error handler logs every
exception it is given at ERROR, and PTB logs at ERROR what escapes even that.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from emulator import BotMessage, SimGroup, SimUser
from handlers.commands import COMMANDS
from storage.models import Base, Team
from tests.e2e.conftest import ADMIN_ID, BOT_USERNAME, Saima
from tests.e2e.helpers import on_the_root_logger

GROUP = -100777
STRANGER_ID = 3003
# Not records: conversation state, and the outbox the scheduling job fills on its own timer.
NOT_DOMAIN = {"persisted_state", "alembic_version", "outbox"}
# Commands that store on purpose, at once, with no draft to confirm (an admin makes an invite link).
STORES_AT_ONCE = {"invite"}

KNOWN_COMMANDS = [command.name for command in COMMANDS]
# Prefixes of every flow's buttons, so forged data also reaches each flow's own parser.
BUTTON_PREFIXES = ["f:", "fs:study:", "fs:finding:", "m:e:study:", "m:d:study:", "m:D:study:", "m:p:", "mo:",
                   "fu:", "mb:", "tg:", "au:p:", "att:", "lang:", "race:explain:", "nz:m:", "nz:f:", "nz:t:", "tk:",
                   "bc:", "tp:", "fs:topicreport:", "fs:topicoutcome:"]


# --- strategies ---------------------------------------------------------------------------------

UNICODE_HEAVY = st.sampled_from([
    "\u202e", "\u202d", "\u200f", "\u200e", "مرحبا", "שלום",  # right-to-left and its overrides
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",  # zero-width
    "👨‍👩‍👧‍👦", "🇨🇳", "🏇", "✅", "👍🏽", "\ufe0f",  # emoji, ZWJ sequences, flags, modifiers
    "集体学习", "昨天", "上周三", "11月5日至8日", "淳安县", "第123号", "重点", "𠀀𪚥", "〇",  # CJK, beyond the BMP
    "\x00", "\x01", "\x07", "\x1b[31m", "\x7f", "\u0085", "\r\n", "\t",  # control characters
    "e\u0301\u0301\u0301", "ﷺ", "Ⅻ", "½", "²", "١٢٣", "２", "-1", "1e9", "NaN", "0.0000001", "999999999999",
    "2147483648",
    "<b>", "&amp;", "*bold*", "`code`", "[x](tg://user?id=1)", "{text}", "%s", "{0}", "\\", "'", '"',
])
TEXT = st.one_of(
    st.text(min_size=1, max_size=200),
    st.lists(UNICODE_HEAVY, min_size=1, max_size=12).map("".join),
    st.lists(st.one_of(UNICODE_HEAVY, st.text(max_size=5)), min_size=1, max_size=20).map(" ".join),
)
OVERSIZED = st.builds(lambda unit, n, tail: (unit * n)[:4096 + n] + tail,
                      st.sampled_from(["长", "a", "👍", "\u200b", "x ", "11月5日 "]),
                      st.integers(min_value=4097, max_value=6000), st.text(max_size=10))


def _command(name: str, mention: bool, args: str) -> str:
    return f"/{name}{'@' + BOT_USERNAME if mention else ''}{' ' + args if args else ''}"


COMMAND = st.builds(
    _command,
    st.one_of(st.sampled_from(KNOWN_COMMANDS), st.from_regex(r"[A-Za-z0-9_]{1,32}", fullmatch=True)),
    st.booleans(),
    st.one_of(st.just(""), TEXT, OVERSIZED),
)
MESSAGE = st.one_of(TEXT, COMMAND, OVERSIZED).filter(lambda s: s.strip() != "")


def _fits(data: str) -> bool:
    return 0 < len(data.encode()) <= 64


CALLBACK = st.one_of(
    st.text(min_size=1, max_size=64),
    st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(BUTTON_PREFIXES),
              st.one_of(st.from_regex(r"[a-z0-9:]{0,20}", fullmatch=True), st.text(max_size=20))),
).filter(_fits)


@dataclass(frozen=True)
class Mutation:
    """A small change to real button data, drawn before the real data exists (a card's nonce is new
    each time): a character swapped, added or dropped, cut short, a number changed, something appended."""

    how: int
    pick: int
    at: int
    char: str
    tail: str
    number: int

    def apply(self, candidates: list[str]) -> str:
        real = candidates[self.pick % len(candidates)]
        i = self.at % max(len(real), 1)
        return [real[:i] + self.char + real[i + 1:], real[:i] + self.char + real[i:], real[:i] + real[i + 1:],
                real[:i], real + self.tail, _renumber(real, self.number)][self.how]


MUTATION = st.builds(Mutation, st.integers(0, 5), st.integers(0, 10**6), st.integers(0, 63),
                     st.characters(codec="utf-8"), st.text(min_size=1, max_size=10),
                     st.integers(min_value=-2, max_value=10**12))


def _renumber(data: str, number: int) -> str:
    parts = data.split(":")
    digits = [i for i, p in enumerate(parts) if p.isdigit()]
    if not digits:
        return data + f":{number}"
    parts[digits[-1]] = str(number)
    return ":".join(parts)


# --- the bot, its users and its states -----------------------------------------------------------


class ErrorLog(logging.Handler):
    """Every ERROR record from the bot's side (its error handler, PTB, the jobs)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(("emulator", "aiohttp", "httpx", "asyncio")):
            self.records.append(record)

    def summary(self) -> str:
        return "\n".join(f"{r.name}: {r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else
                         f"{r.name}: {r.getMessage()}" for r in self.records)


@pytest.fixture
def errors() -> Iterator[ErrorLog]:
    with on_the_root_logger(ErrorLog()) as log:
        yield log


Setup = Callable[["Cast"], Awaitable[BotMessage | None]]


@dataclass
class Cast:
    saima: Saima
    zhang: SimUser  # a member with a study, a trip and a proposal logged
    admin: SimUser  # the team's owner
    stranger: SimUser  # not in any team
    group: SimGroup  # the team's group chat, with the bot in it
    tom: SimUser  # a member who reads English
    real_data: set[str] = field(default_factory=set)

    async def step(self, user: SimUser, *messages: str) -> BotMessage:
        reply: Any = None
        for text in messages:
            reply = await user.send(text)
        assert isinstance(reply, BotMessage)
        self.real_data.update(reply.callback_data)
        return reply

    async def press(self, user: SimUser, message: BotMessage, label: str) -> BotMessage:
        reply = await user.press(message, label)
        assert isinstance(reply, BotMessage)
        self.real_data.update(reply.callback_data)
        return reply


@dataclass(frozen=True)
class State:
    who: str  # "zhang", "tom", "admin", "stranger", or "group" (zhang talking in the group)
    setup: Setup
    stores_on_answer: bool = False  # an admin's typed step stores a valid answer at once (its reply says so)


def _steps(user: str, *messages: str) -> Setup:
    async def setup(cast: Cast) -> BotMessage | None:
        return await cast.step(getattr(cast, user), *messages)
    return setup


def _piece_by_piece(who: str, pieces: list[str], steps: list[str], *, joined: bool = False) -> dict[str, State]:
    """A form's steps in order: the n-th is reached by sending the first n pieces, one message each or
    (`joined`) in one message, a space between them."""
    sent = [pieces[:n] for n in range(1, len(steps) + 1)]
    return {step: State(who, _steps(who, *([" ".join(first)] if joined else first)))
            for step, first in zip(steps, sent, strict=True)}


def _typed(who: str, states: dict[str, tuple[str, ...]]) -> dict[str, State]:
    """States that `who` reaches by sending messages: each state's name, and what is sent to reach it."""
    return {name: State(who, _steps(who, *messages)) for name, messages in states.items()}


def _opened(who: str, commands: dict[str, str]) -> dict[str, State]:
    """States where `who` dropped whatever was under way (/cancel) and sent a command: its page or first question."""
    return _typed(who, {name: ("/cancel", command) for name, command in commands.items()})


async def _target_number(cast: Cast) -> BotMessage | None:
    overview = await cast.step(cast.admin, "/cancel", "/targets")
    whom = await cast.press(cast.admin, overview, "集体学习")
    return await cast.press(cast.admin, whom, "全体成员")


async def _leave_dates(cast: Cast) -> BotMessage | None:
    card = await cast.press(cast.admin, await cast.step(cast.admin, "/cancel", "/members"), "张三")
    kinds = await cast.press(cast.admin, card, "登记请假")
    return await cast.press(cast.admin, kinds, "请假")


async def _choosing_field(cast: Cast) -> BotMessage | None:
    card = await cast.step(cast.zhang, "/study 昨天 集体学习 2小时 优化营商环境条例")
    return await cast.press(cast.zhang, card, "修改")


async def _broadcast_card(cast: Cast) -> BotMessage | None:
    audience = await cast.step(cast.admin, "/cancel", "/broadcast", "周一上午9点开会")
    when = (await cast.admin.press(audience, "成员", expect=2))[-1]
    card = (await cast.admin.press(when, "立即发送", expect=3))[-1]
    cast.real_data.update(card.callback_data)
    return card


async def _task_card(cast: Cast) -> BotMessage | None:
    shown = await cast.step(cast.admin, "/cancel", "/task 整改台账 11月30日")
    for choice in ("无具体要求", "全体成员", "无附件"):
        shown = (await cast.admin.press(shown, choice, expect=2))[-1]
    cast.real_data.update(shown.callback_data)
    return shown


async def _in_group(cast: Cast) -> BotMessage | None:
    return None


STATES: dict[str, State] = {
    **_piece_by_piece("zhang", "/study 昨天 集体学习 2小时 优化营商环境条例".split(" "),
                      ["study: date", "study: kind", "study: hours", "study: topic", "study: card"], joined=True),
    "study: which field to edit": State("zhang", _choosing_field),
    **_piece_by_piece("zhang", ["/trip", "11月5日至8日", "淳安县"], ["trip: dates", "trip: places", "trip: topic"]),
    **_piece_by_piece("zhang", "/proposal 建议 第9号 关于加快山区公路建设的建议".split(" "),
                      ["proposal: kind", "proposal: number", "proposal: title", "proposal: key or regular"], joined=True),
    **_typed("zhang", {"idle": ("/cancel",), "trip: card": ("/trip 11月9日至10日 开化县 山区共富调研",),
                       "topic": ("/topic",)}),
    **_opened("zhang", {"proposals": "/proposals", "findings": "/findings", "mine": "/mine"}),
    **_typed("tom", {
        "en: idle": ("/cancel",),
        "en: study kind": ("/study yesterday",),
        "en: trip card": ("/trip Nov 9-10 Kaihua county rural revitalisation",),
        "en: proposal number": ("/proposal suggestion",),
    }),
    **_typed("stranger", {"join: code": ("/join",), "stranger": ("/cancel",)}),
    **_typed("admin", {"admin idle": ("/cancel",)}),
    **_opened("admin", {"admin: members": "/members", "admin: session": "/session",
                        "admin: task": "/task 整改台账 11月30日", "admin: broadcast": "/broadcast"}),
    "admin: broadcast card": State("admin", _broadcast_card),
    "admin: task card": State("admin", _task_card),
    "admin: target number": State("admin", _target_number, stores_on_answer=True),
    "admin: leave dates": State("admin", _leave_dates, stores_on_answer=True),
    "group": State("group", _in_group),
}
SAVED_AT_ONCE = ("已保存", "已登记")  # an admin's typed step, answered validly


@pytest.fixture
async def cast(saima: Saima) -> Cast:
    """A team with a group, an owner, a member with records of each kind, one who reads English, and a
    stranger."""
    control = saima.control
    admin = control.user(ADMIN_ID, "李主任")
    await admin.send("/start")
    zhang = control.user(1001, "张三")
    await zhang.send(f"/start {saima.invite_code}")
    stranger = control.user(STRANGER_ID, "路人")
    await stranger.send("/help")
    group = control.group(GROUP, "省政府党组工作群")
    await group.add_bot(admin)
    with saima.db.session() as session:
        session.execute(update(Team).values(group_chat_id=GROUP))
    tom = control.user(1002, "Tom", language_code="en")
    await tom.send(f"/start {saima.invite_code}")
    await tom.send("/lang en")
    cast = Cast(saima, zhang, admin, stranger, group, tom)
    await zhang.press(await zhang.send("/study 昨天 集体学习 2小时 条例"), "确认")
    trip = await zhang.press(await zhang.send("/trip 11月5日至8日 淳安县 山区共富调研"), "确认")
    cast.real_data.update(trip.callback_data)
    await zhang.press(await zhang.send("/proposal 建议 第123号 关于加快山区公路建设的建议 重点"), "确认")
    return cast


def row_counts(saima: Saima) -> dict[str, int]:
    with saima.db.session() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables if table.name not in NOT_DOMAIN}


def _user(cast: Cast, state: State) -> SimUser:
    return cast.zhang if state.who == "group" else getattr(cast, state.who)


async def _barrier(cast: Cast) -> None:
    """Updates are handled one at a time, in order: once this is answered, everything before it was."""
    await cast.stranger.send("/help")


async def _check_message(cast: Cast, state_name: str, text: str, errors: ErrorLog) -> None:
    state = STATES[state_name]
    before = row_counts(cast.saima)
    await state.setup(cast)
    user = _user(cast, state)
    if state.who == "group":
        await user.send(text, chat=cast.group, expect=0)
        await _barrier(cast)
        reply = None
    else:
        reply = await user.send(text, timeout=20)  # every private message is answered
    assert not errors.records, f"{state_name}: {text!r} reached the error handler:\n{errors.summary()}"
    command = text.split(maxsplit=1)[0].lstrip("/").split("@")[0].lower() if text.startswith("/") else ""
    answered_at_once = state.stores_on_answer and isinstance(reply, BotMessage) and reply.content.startswith(
        SAVED_AT_ONCE)
    if command not in STORES_AT_ONCE and not answered_at_once:
        assert row_counts(cast.saima) == before, f"{state_name}: {text!r} stored something without Confirm"


async def _check_press(cast: Cast, state_name: str, forged: str | Mutation, errors: ErrorLog) -> None:
    state = STATES[state_name]
    before = row_counts(cast.saima)
    shown = await state.setup(cast)
    user = _user(cast, state)
    if isinstance(forged, Mutation):  # of the state's own buttons when it shows any, else of ones seen before
        data = forged.apply((shown.callback_data if shown is not None else []) or sorted(cast.real_data))
        if data in cast.real_data or not _fits(data):
            return  # a real button (pressing it is the user's choice), or data Telegram would refuse
    else:
        data = forged
    if shown is None or state.who == "group":
        sent = await cast.saima.control.messages(GROUP if state.who == "group" else user.id)
        ids = [m["message_id"] for m in sent["messages"]] or [1]
        await user.press_data(ids[-1], data, chat=cast.group if state.who == "group" else None)
    else:
        await user.press_data(shown, data)
    await user.callback_answer(timeout=20)  # every press is answered, forged or not
    assert not errors.records, f"{state_name}: press {data!r} reached the error handler:\n{errors.summary()}"
    assert row_counts(cast.saima) == before, f"{state_name}: press {data!r} stored something without Confirm"


FUZZ = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
STATE = st.sampled_from(sorted(STATES))


@FUZZ
@given(state=STATE, text=MESSAGE)
async def test_any_message_in_any_state_is_answered_and_stores_nothing(
        cast: Cast, errors: ErrorLog, state: str, text: str) -> None:
    await _check_message(cast, state, text, errors)



# Issue 11: every state gets NUL and the other C0/C1 controls, and text heavy in UTF-16 units (emoji and
# astral CJK are two units each; Telegram counts these), alone, mixed into words the state expects, after
# the state's own command, and up to Telegram's 4,096 units.
CONTROL = st.sampled_from(["\x00", *[chr(c) for c in range(1, 32)], "\x7f", *[chr(c) for c in range(0x80, 0xA0)]])
ASTRAL = st.sampled_from(["😀", "🏇", "👨‍👩‍👧‍👦", "🇨🇳", "👍🏽", "𠀀", "𪚥", "𝐀", "𝟘", "🀄"])
WORDS = st.sampled_from(["集体学习", "昨天", "2小时", "11月5日至8日", "淳安县", "建议", "第9号", "Nov 5-8", " ", "\n"])
HOSTILE = st.one_of(
    st.lists(st.one_of(CONTROL, ASTRAL, WORDS), min_size=1, max_size=40).map("".join),
    st.builds(lambda unit, n, control: (unit * n)[:n] + control, ASTRAL, st.integers(1000, 2048), CONTROL),
    st.builds(lambda command, body: f"/{command} {body}",
              st.sampled_from(["study", "trip", "proposal", "topic", "task", "broadcast", "session", "join"]),
              st.lists(st.one_of(CONTROL, ASTRAL, WORDS), min_size=1, max_size=30).map("".join)),
).filter(lambda s: s.strip() != "" and len(s.encode("utf-16-le")) // 2 <= 4090)
HOSTILE = st.builds(lambda text, at: text[:at % (len(text) + 1)] + "\x00" + text[at % (len(text) + 1):]
                    if "\x00" not in text else text, HOSTILE, st.integers(0, 10**6))  # always a NUL
HOSTILE_EVERY_STATE = settings(max_examples=4, deadline=None, derandomize=True, database=None,
                               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("state", sorted(STATES))
@HOSTILE_EVERY_STATE
@given(text=HOSTILE)
async def test_nul_controls_and_utf16_heavy_text_in_every_state_are_answered_and_store_nothing(
        cast: Cast, errors: ErrorLog, state: str, text: str) -> None:
    await _check_message(cast, state, text, errors)


@FUZZ
@given(state=STATE, forged=st.one_of(CALLBACK, MUTATION, MUTATION))
async def test_forged_and_mutated_button_data_in_any_state_is_answered_and_stores_nothing(
        cast: Cast, errors: ErrorLog, state: str, forged: str | Mutation) -> None:
    await _check_press(cast, state, forged, errors)


async def test_the_error_log_catches_a_failing_handler(cast: Cast, errors: ErrorLog,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The property above would pass vacuously if a failure did not show in the log it reads."""
    import handlers.help

    async def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(handlers.help, "show_help", broken)
    assert cast.saima.running.application.handlers  # the registered callback is looked up by reference,
    for group in cast.saima.running.application.handlers.values():  # so patch it where it is registered
        for handler in group:
            if getattr(handler, "callback", None) is not None and handler.callback.__name__ == "show_help":
                monkeypatch.setattr(handler, "callback", broken)
    await cast.stranger.send("/help")
    assert errors.records and "boom" in errors.summary()


async def _appended_confirms_are_refused(cast: Cast, user: SimUser, card: BotMessage, *appended: str) -> None:
    """`user` presses the card's Confirm with each of `appended` after its data, and with `:ok:ok`: each
    press is refused, and nothing is stored or sent."""
    before = row_counts(cast.saima)
    confirm = card.button("确认")[1]
    assert confirm is not None
    for forged in (*(confirm + extra for extra in appended), confirm.replace(":ok:", ":ok:ok")):
        await user.press_data(card, forged)
        assert (await user.callback_answer()).text == "这个按钮已失效。", forged
    assert row_counts(cast.saima) == before


async def test_confirm_with_something_appended_to_its_data_is_refused_and_stores_nothing(cast: Cast) -> None:
    """Found by the property above: `f:<nonce>:ok:<anything>` used to count as Confirm."""
    card = await cast.step(cast.zhang, "/study 昨天 集体学习 2小时 优化营商环境条例")
    await _appended_confirms_are_refused(cast, cast.zhang, card, "®þ", "x")
    saved = await cast.press(cast.zhang, card, "确认")  # the real button still works
    assert saved.content.startswith("✅ 已保存。")


async def test_a_broadcasts_confirm_with_something_appended_is_refused_and_sends_nothing(cast: Cast) -> None:
    card = await _broadcast_card(cast)
    assert card is not None
    await _appended_confirms_are_refused(cast, cast.admin, card, "x", "0")


BIG = str(2**31)  # one past PostgreSQL's INTEGER, the type of every id
OUT_OF_RANGE = [f"fs:finding:{BIG}", f"fs:taskdone:{BIG}", f"fs:taskreturn:{BIG}", f"m:e:study:{BIG}",
                f"mb:v:{BIG}", f"mb:rm:{BIG}", f"mb:lk:{BIG}:leave", f"tg:w:1:{BIG}", f"tk:v:{BIG}", f"tk:c:{BIG}",
                f"tk:a:{BIG}", f"tk:e:{BIG}", f"mo:{BIG}:v", f"fu:i:{BIG}", f"nz:m:{BIG}:1", "m:e:study:²",
                "fs:finding:²", "mb:v:١", "tk:v:²"]


async def test_a_press_with_a_number_no_button_carries_is_refused(cast: Cast, errors: ErrorLog) -> None:
    """Found by the property above on PostgreSQL: such ids made the flows' queries fail ("integer out of
    range") instead of being refused; digits int() cannot read ('²') are refused too."""
    for user in (cast.admin, cast.zhang):
        shown = (await user.bot_messages())[-1]
        for data in OUT_OF_RANGE:
            await user.press_data(shown, data)
            assert (await user.callback_answer()).text == "这个按钮已失效。", data
    assert not errors.records, errors.summary()


async def test_export_of_a_year_in_digits_int_cannot_read_gets_the_usage(cast: Cast, errors: ErrorLog) -> None:
    """Found probing commands with odd numbers: '²' passed `isdigit()` and then failed in `int()`."""
    for year in ("²", "２⁰²⁵", "99999999999"):
        reply = await cast.admin.send(f"/export {year}")
        assert isinstance(reply, BotMessage) and reply.content.startswith("发送 /export"), reply
    assert not errors.records, errors.summary()


# The states whose answer is free text that Confirm stores (a topic, a title, places, a broadcast, a task).
STORED_TEXT_STATES = ["study: topic", "trip: places", "trip: topic", "proposal: title", "topic",
                      "admin: broadcast", "admin: session", "en: trip card"]


@pytest.mark.parametrize("state", STORED_TEXT_STATES)
@HOSTILE_EVERY_STATE
@given(text=HOSTILE)
async def test_nul_controls_and_utf16_heavy_text_confirmed_in_a_text_field_is_stored_clean(
        cast: Cast, errors: ErrorLog, state: str, text: str) -> None:
    """Found on PostgreSQL, which refuses NUL in text: a topic, title, place or broadcast with one was
    answered with the apology at Confirm. Now it is stored without its control characters."""
    await STATES[state].setup(cast)
    user = _user(cast, STATES[state])
    reply = await user.send(text if not text.startswith("/") else text.replace("/", "", 1), timeout=20)
    for _ in range(3):  # past the steps left (places, topic; a broadcast's audience and time) to a card
        labels = reply.labels if isinstance(reply, BotMessage) else []
        confirm = next((label for label in labels if label in ("确认", "Confirm")), None)
        step = next((label for label in labels if label in ("成员", "立即发送", "集体学习", "一般")), None)
        if confirm is not None:
            await user.press(reply, confirm, expect=1, timeout=20)
            break
        if step is not None:
            reply = (await user.press(reply, step, expect=2 if step != "立即发送" else 3, timeout=20))[-1]
        elif isinstance(reply, BotMessage) and reply.content.endswith(("（发送 /cancel 取消）", "(/cancel to stop)")):
            reply = await user.send("淳安县 山区共富", timeout=20)
        else:
            break
    await _barrier(cast)
    assert not errors.records, f"{state}: {text!r} reached the error handler:\n{errors.summary()}"
    with cast.saima.db.session() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_DOMAIN:
                continue
            for row in session.execute(select(table)):
                for value in row:
                    assert not (isinstance(value, str) and "\x00" in value), f"{table.name} stored a NUL"
