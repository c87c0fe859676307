"""What every callback can reach: `context.db`, `context.clock`, `context.config`, `context.t`,
`context.conversation` (the sender's waiting step, typed: handlers/conversation.py).

Dependencies travel on the Application (set once in bot.py), not in globals, following
python-telegram-bot's `contexttypesbot` example.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from config import Config
from core.clock import Clock
from handlers.conversation import Conversation
from locales import Translator, normalise_language, translator
from storage import members
from storage.db import Database
from storage.models import Member

LANGUAGE_KEY = "lang"  # user_data: the language of a user who is not (yet) a member


@dataclass
class Services:
    """What handlers depend on, set once on the Application (bot.py): the config, the database and the
    clock."""

    config: Config
    db: Database
    clock: Clock


class SaimaContext(CallbackContext[ExtBot, dict, dict, dict]):  # type: ignore[type-arg]
    """The CallbackContext every handler receives."""

    @property
    def services(self) -> Services:
        return self.application.services  # type: ignore[attr-defined,no-any-return]

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def config(self) -> Config:
        return self.services.config

    def now(self) -> datetime:
        return self.clock.now()

    def today(self, tz: str | None = None) -> date:
        zone = ZoneInfo(tz) if tz else self.config.tz
        return self.now().astimezone(zone).date()

    def member(self, *, fresh: bool = False) -> Member | None:
        """The sender's active membership (in the team this chat acts in), or None.

        Looked up once per update; `fresh=True` looks again after a change (joining, /lang).
        """
        if self._user_id is None:
            return None
        if fresh or "_member" not in self.__dict__:
            preferred = self.user_data.get(members.CHAT_TEAM_KEY) if self.user_data is not None else None
            with self.db.session() as session:
                self.__dict__["_member"] = members.current(session, self._user_id, preferred)
        return self.__dict__["_member"]  # type: ignore[no-any-return]

    @property
    def conversation(self) -> Conversation:
        """The sender's conversation state: which flow waits for their typed answer, and its typed state."""
        return Conversation(self.user_data)

    @property
    def t(self) -> Translator:
        """This user's translator: their member language, else what they chose, else the default."""
        return translator(self.language())

    def language(self) -> str:
        """A member's chosen language; for someone not in a team, what they picked with /lang, else
        English if their Telegram app is in English, else the default (Chinese)."""
        member = self.member()
        if member is not None:
            return member.language.value
        if self.user_data and self.user_data.get(LANGUAGE_KEY):
            return str(self.user_data[LANGUAGE_KEY])
        return normalise_language(self.__dict__.get("_app_language"), default=self.config.team_defaults.language)

    @classmethod
    def from_update(cls, update: object, application: Application) -> SaimaContext:  # type: ignore[type-arg]  # PTB's Application is generic in six
        context = super().from_update(update, application)
        if isinstance(update, Update) and update.effective_user is not None:
            context.__dict__["_app_language"] = update.effective_user.language_code
        return context
