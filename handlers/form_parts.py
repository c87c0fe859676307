"""Pieces the logging forms share (forms.py runs them): reading a typed answer, a draft's rules and its
problems in words, deleting one of the member's own records."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

from handlers.forms import Form, FormContext, Rejected
from locales import Translator
from storage.models import Member

D = TypeVar("D")
V = TypeVar("V")
P = TypeVar("P")
R = TypeVar("R")
D_contra = TypeVar("D_contra", contravariant=True)
R_contra = TypeVar("R_contra", contravariant=True)


def accepted(value: V | None, store: Callable[[V], D], refusal: str) -> D | Rejected:
    """The draft with a typed answer stored, or the refusal when the answer could not be read (None)."""
    return Rejected(refusal) if value is None else store(value)


def said(t: Translator, messages: Mapping[P, str], found: Iterable[P]) -> list[str]:
    """Each problem found, in the member's words (`messages` holds the msgids)."""
    return [t(messages[problem]) for problem in found]


class Find(Protocol[D_contra, P]):
    """A core rule: what is wrong with the fields of a draft that are set."""

    def __call__(self, draft: D_contra, /, *, today: date) -> list[P]: ...


@dataclass(frozen=True)
class Rules(Generic[D, P]):
    """A draft's rules, all core's: what is wrong with the fields that are set, how the draft is cleared
    of them (so they are asked again), and what is still to ask."""

    find: Find[D, P]
    clear: Callable[[D, list[P]], D]
    missing: Callable[[D], list[str]]
    messages: Mapping[P, str]  # each problem's message id

    def problems(self, draft: D, ctx: FormContext) -> tuple[D, list[str]]:
        found = self.find(draft, today=ctx.today)
        return self.clear(draft, found), said(ctx.t, self.messages, found)


class RuledForm(Form[D]):
    """A form whose `problems` and `missing` are its `rules`."""

    rules: Rules[D, Any]

    def problems(self, draft: D, ctx: FormContext) -> tuple[D, list[str]]:
        return self.rules.problems(draft, ctx)

    def missing(self, draft: D) -> list[str]:
        return self.rules.missing(draft)


class Delete(Protocol[R_contra]):
    """A storage function that deletes a record, keeping it in the audit log."""

    def __call__(self, session: Session, record: R_contra, /, *, actor: Member, now: datetime) -> object: ...


def delete_own(session: Session, found: R | None, delete: Delete[R], ctx: FormContext) -> bool:
    """A form's `delete` from /mine: False when the member's record is no longer there."""
    if found is None:
        return False
    delete(session, found, actor=ctx.member, now=ctx.now)
    return True
