"""Per-user load shedding at the door, before any other handler: one sender flooding the bot cannot hold
up everyone else's answers, since updates are handled one at a time.

The decision is cheap: a token bucket per sender in memory (core/throttle.py) and whether the sender is
a member, looked up once and remembered for `throttle.membership_cache_seconds`. A stranger (in no team)
gets `stranger_burst` answers and then one every few seconds; a member gets `member_burst` messages at
once, then is told once to slow down and the rest are dropped; a member's button presses have their own
allowance (a shed press is still answered, as Telegram expects). A shed update stops here
(ApplicationHandlerStop) and is flagged (`screening`), so the Application writes nothing for it: no
persistence, no update-id mark (bot.WriteThroughApplication). Redelivered, it is simply judged again.

Heavy answers (/rank, /summary, /export) run off the update path (`block=False`), at most one per
sender at a time (`one_at_a_time`): a second while one runs is told the first is still being worked on.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, BaseHandler, TypeHandler

from config import ThrottleSettings
from core.throttle import Allowance, Bucket, Verdict, idle, take
from handlers.context import SaimaContext
from storage import members
from storage.db import Database

log = logging.getLogger(__name__)

_PRUNE_AT = 10_000  # buckets kept before full (idle) ones are forgotten


@dataclass
class Screening:
    """Whether the update in hand was shed at the door."""

    shed: bool = False


_screening: ContextVar[Screening | None] = ContextVar("saima_screening", default=None)


@contextlib.contextmanager
def screening() -> Iterator[Screening]:
    """While this is open, the throttle records here whether it shed the update being handled."""
    screened = Screening()
    token = _screening.set(screened)
    try:
        yield screened
    finally:
        _screening.reset(token)


class Throttle:
    """The buckets, the membership cache and the heavy answers in flight, for one Application."""

    def __init__(self, settings: ThrottleSettings, db: Database,
                 seconds: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.db = db
        self.seconds = seconds  # load is about real time, not the (possibly simulated) business clock
        self.allowances = {
            "stranger": Allowance(settings.stranger_burst, settings.stranger_every_seconds),
            "member": Allowance(settings.member_burst, settings.member_every_seconds),
            "press": Allowance(settings.press_burst, settings.press_every_seconds),
        }
        self._buckets: dict[tuple[str, int], Bucket] = {}
        self._members: dict[int, tuple[bool, float]] = {}  # user id → (a member?, until when)
        self.in_flight: set[int] = set()  # senders with a heavy answer being worked on
        self._judged: dict[int, Judgement] = {}  # update id → verdict, until the screen has used it

    def is_member(self, user_id: int) -> bool:
        """Whether the sender has an active membership, looked up at most once per cache period."""
        now = self.seconds()
        cached = self._members.get(user_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        with self.db.session() as session:
            member = members.current(session, user_id) is not None
        if len(self._members) >= _PRUNE_AT:
            self._members = {k: v for k, v in self._members.items() if v[1] > now}
        self._members[user_id] = (member, now + self.settings.membership_cache_seconds)
        return member

    def done_with(self, update: Update) -> None:
        self._judged.pop(update.update_id, None)

    def forget(self, user_id: int) -> None:
        """Look the sender's membership up again next time (a stranger answered may have joined)."""
        self._members.pop(user_id, None)

    def decide(self, kind: str, user_id: int) -> Verdict:
        now, allowance = self.seconds(), self.allowances[kind]
        verdict, bucket = take(self._buckets.get((kind, user_id)), allowance, now)
        if len(self._buckets) >= _PRUNE_AT:
            self._buckets = {k: b for k, b in self._buckets.items() if not idle(b, self.allowances[k[0]], now)}
        self._buckets[(kind, user_id)] = bucket
        return verdict

    def judge(self, update: Update) -> Judgement | None:
        """The verdict on `update`, decided once however often it is asked (the Poller asks before it
        confirms the update, the screen when it is handled); None when it is not screened (the throttle
        is off, or it is not a sender's message or button press)."""
        judged = self._judged.get(update.update_id)
        if judged is not None:
            return judged
        user = update.effective_user
        if (not self.settings.enabled or user is None
                or (update.message is None and update.edited_message is None and update.callback_query is None)):
            return None
        member = self.is_member(user.id)
        press = update.callback_query is not None
        verdict = self.decide(("press" if press else "member") if member else "stranger", user.id)
        if verdict is Verdict.PASS and not member:
            self.forget(user.id)  # a stranger answered may join: look again next time
        if len(self._judged) >= _PRUNE_AT:
            self._judged.clear()
        judged = self._judged[update.update_id] = Judgement(verdict, member, press)
        return judged

    def dropped(self, update: Update) -> bool:
        """Whether `update` is shed with nothing to say (no "slow down", no press to answer): whoever
        takes updates may then skip it altogether (serving.Poller does not even confirm it alone)."""
        try:
            judged = self.judge(update)
        except SQLAlchemyError:  # the database away: the update goes the usual way, which waits for it
            return False
        if judged is None or not judged.silent:
            return False
        self._judged.pop(update.update_id, None)
        return True


@dataclass(frozen=True)
class Judgement:
    """The throttle's verdict on an update, and whether its sender is a member and it is a button press."""

    verdict: Verdict
    member: bool
    press: bool

    @property
    def silent(self) -> bool:
        """Shed without a word: a stranger's anything, or a member's message after the "slow down"."""
        return self.verdict is not Verdict.PASS and (not self.member or (self.verdict is Verdict.DROP
                                                                          and not self.press))


def of(application: Application) -> Throttle | None:  # type: ignore[type-arg]
    return getattr(application, "throttle", None)


async def screen(update: Update, context: SaimaContext) -> None:
    """Lets the update on, or sheds it: a member over their allowance is told once to slow down, a shed
    button press is answered briefly, everything else shed goes unanswered."""
    throttle = of(context.application)
    judged = throttle.judge(update) if throttle is not None else None
    if throttle is not None:
        throttle.done_with(update)
    if judged is None or judged.verdict is Verdict.PASS:
        return
    screened = _screening.get()
    if screened is not None:
        screened.shed = True
    if judged.member and update.callback_query is not None:
        await update.callback_query.answer(context.t("Slow down, please: try again in a moment.")
                                           if judged.verdict is Verdict.WARN else None)
    elif judged.member and judged.verdict is Verdict.WARN and update.effective_message is not None:
        log.info("Throttled user %s (too many messages at once)", update.effective_user.id)  # type: ignore[union-attr]
        await update.effective_message.reply_text(context.t(
            "Slow down, please: you sent many messages at once, and the ones after this are skipped for a "
            "moment."))
    raise ApplicationHandlerStop


F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def one_at_a_time(callback: F) -> F:
    """A heavy answer runs once per sender at a time; a second asked while one runs is told to wait."""

    @functools.wraps(callback)
    async def wrapper(update: Update, context: SaimaContext) -> Any:
        throttle = of(context.application)
        user = update.effective_user
        if throttle is None or user is None:
            return await callback(update, context)
        if user.id in throttle.in_flight:
            if update.effective_message is not None:
                await update.effective_message.reply_text(
                    context.t("Still working on your last request: its answer comes in a moment."))
            return None
        throttle.in_flight.add(user.id)
        try:
            return await callback(update, context)
        finally:
            throttle.in_flight.discard(user.id)

    return wrapper  # type: ignore[return-value]


def handlers(application: Application) -> list[BaseHandler]:  # type: ignore[type-arg]
    """The screen, first of all; the Throttle it uses is kept on the Application (`throttle`)."""
    services = application.services  # type: ignore[attr-defined]
    application.throttle = Throttle(services.config.throttle, services.db)  # type: ignore[attr-defined]
    return [TypeHandler(Update, screen)]
