"""`/proposal`: log a suggestion (人大建议) or proposal (政协提案) the member leads (领办), in one message
or step by step.

    /proposal 建议 第123号 关于加快山区公路建设的建议 重点
    → 类型：人大建议 · 编号：第123号 · 标题：… · 是否重点：重点 · 领办人：张三 · 交办日期：today
      · 答复期限：交办后 3 个月                                             [确认] [修改] [取消]

Missing pieces are asked in order: kind (buttons), number, title, key or regular (buttons). The
assignment date is today unless the message gives one (3月1日交办) or it is changed with Edit.
Confirm stores the motion (assigned, led by the member) and offers its first steps as buttons.

`/mine` lists the motions the member leads (not other members', not deleted ones) to correct or delete:

    建议 · 第123号 · 关于加快山区公路建设的建议 · 重点 · 办理中

A correction may change the kind, number, title, key flag and assignment date, and is audited with
the record before and after. The reply deadline follows a new assignment date by the rule
(assignment + proposals.reply_due_months) only while it still is the rule's: the motion is not
replied or closed, was never reopened, and no admin extended it (`core.motions.due_follows_rule`).
Otherwise the deadline is kept as it is, and the card says so: an admin's extension is never
shortened, and a replied motion stays judged against the deadline it had. A replied motion's
assignment date cannot move after its reply. Deleting is a soft delete (audited): the motion no
longer counts in /me, /proposals or the race board.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from core import motions
from core.dates import read_date
from core.domain import MotionKind
from core.motions import MotionDraft, MotionProblem
from handlers.form_parts import accepted, delete_own
from handlers.forms import Choice, Field, Form, FormContext, RecordLine, Rejected, SavedReply, register_form
from handlers.proposals import actions_keyboard
from locales import N_
from reports.motions import (
    KIND_LABELS,
    SHORT_KIND_LABELS,
    STATUS_LABELS,
    draft_lines,
    key_label,
    number_label,
)
from reports.words import day_in_words
from storage import motions as motion_queries

KEY, REGULAR = "key", "regular"

_PROBLEMS = {
    MotionProblem.NUMBER_INVALID: N_("The number must be 1 to 6 digits, e.g. 第123号 or 123."),
    MotionProblem.TITLE_TOO_SHORT: N_("The title is too short (at least 4 characters)."),
    MotionProblem.TITLE_TOO_LONG: N_("The title is too long (at most 200 characters); please shorten it."),
    MotionProblem.ASSIGNED_IN_FUTURE: N_("The assignment date cannot be in the future, so today is used; "
                                         "press Edit to change it."),
    MotionProblem.NO_SUCH_DAY: N_("There is no such day as the one in the assignment date (such as 30 February), "
                                  "so today is used; press Edit to change it."),
}


@dataclass(frozen=True)
class MotionLog(MotionDraft):
    """The motion as read; when it is a stored one being corrected from /mine, also what the
    correction cannot change."""

    kept_due: date | None = None  # the deadline a correction keeps (not the rule's any more), or None
    replied_on: date | None = None  # a replied motion's reply: the assignment cannot move after it


def _months(ctx: FormContext) -> int:
    return ctx.config.proposals.reply_due_months if ctx.config is not None else motions.DEFAULT_REPLY_MONTHS


class ProposalForm(Form[MotionLog]):
    kind = "proposal"
    command = "proposal"
    draft_type = MotionLog
    fields = (
        Field("kind", N_("Kind"), N_("Is it an NPC suggestion (人大建议) or a CPPCC proposal (政协提案)?"),
              choices=tuple(Choice(k.value, label) for k, label in KIND_LABELS.items())),
        Field("number", N_("Number"), N_("What is its number? (e.g. 第123号, 123)")),
        Field("title", N_("Subject"), N_("What is its title? (e.g. 关于加快山区公路建设的建议)")),
        Field("is_key", N_("Key or regular"), N_("Is it a key one (重点) or a regular one (一般)?"),
              choices=(Choice(KEY, N_("Key")), Choice(REGULAR, N_("Regular")))),
        Field("assigned_on", N_("Assigned on"),
              N_("On which day was it assigned (交办)? (e.g. 3月1日, last Monday)")),
    )

    def parse_message(self, text: str, ctx: FormContext) -> MotionLog:
        parsed = motions.parse_motion(text, now=ctx.now, lang=ctx.lang)
        return MotionLog(**{f.name: getattr(parsed, f.name) for f in fields(parsed)})

    def read_field(self, name: str, text: str, draft: MotionLog, ctx: FormContext) -> MotionLog | Rejected:
        t = ctx.t
        if name == "kind":
            kind = next((k for k in MotionKind if k.value == text), None) or _only(text, ctx).kind
            if kind is None:
                return Rejected(t("Please choose with the buttons: NPC suggestion (人大建议) or CPPCC proposal "
                                  "(政协提案)."))
            return replace(draft, kind=kind, kind_conflict=False)
        if name == "number":
            return accepted(motions.parse_number(text), lambda number: replace(draft, number=number),
                            t("I could not read “{text}” as a number; please type it like 第123号 or 123.")
                            .format(text=text[:40]))
        if name == "title":
            return accepted(motions.clean_title(text), lambda title: replace(draft, title=title),
                            t("Please type the title."))
        if name == "is_key":
            is_key = {KEY: True, REGULAR: False}.get(text)
            is_key = _only(text, ctx).is_key if is_key is None else is_key
            if is_key is None:
                return Rejected(t("Please choose with the buttons: key (重点) or regular (一般)."))
            return replace(draft, is_key=is_key)
        parsed = read_date(text, now=ctx.now, prefer="past", lang=ctx.lang)
        if parsed is None:
            return Rejected(t("I could not read “{text}” as a date.").format(text=text[:40]))
        day = parsed.date() if isinstance(parsed, datetime) else parsed
        if day > ctx.today:
            return Rejected(t("The assignment date cannot be in the future."))
        if draft.replied_on is not None and day > draft.replied_on:
            return Rejected(t("The assignment date cannot be after the reply ({day}).").format(
                day=day_in_words(t, draft.replied_on)))
        return replace(draft, assigned_on=day)

    def problems(self, draft: MotionLog, ctx: FormContext) -> tuple[MotionLog, list[str]]:
        found = motions.motion_problems(draft, today=ctx.today)
        reasons = [_conflict(draft, ctx) if p is MotionProblem.KIND_CONFLICT else ctx.t(_PROBLEMS[p])
                   for p in found]
        checked = motions.without_problems(draft, found)
        if checked.assigned_on is None:  # the day it is logged, unless the member says otherwise
            checked = replace(checked, assigned_on=ctx.today)
        return checked, reasons

    def missing(self, draft: MotionLog) -> list[str]:
        return motions.missing_fields(draft)

    def card(self, draft: MotionLog, ctx: FormContext) -> str:
        t = ctx.t
        assert draft.kind is not None and draft.number is not None and draft.title is not None
        assert draft.is_key is not None and draft.assigned_on is not None
        months = _months(ctx)
        due = draft.kept_due or motions.reply_due(draft.assigned_on, months=months)
        lines = draft_lines(t, kind=draft.kind, number=draft.number, title=draft.title, is_key=draft.is_key,
                            lead=ctx.member.display_name, assigned_on=draft.assigned_on, reply_due=due,
                            months=months, due_kept=draft.kept_due is not None)
        return "\n".join([t("Suggestion or proposal you lead"), *lines])

    def is_duplicate(self, session: Session, draft: MotionLog, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        assert draft.kind is not None and draft.number is not None and draft.assigned_on is not None
        return motion_queries.number_taken(session, team_id=ctx.member.team_id, kind=draft.kind,
                                           number=draft.number, year=draft.assigned_on.year, excluding=excluding)

    def save(self, session: Session, draft: MotionLog, ctx: FormContext) -> SavedReply:
        assert draft.kind is not None and draft.number is not None and draft.title is not None
        assert draft.is_key is not None and draft.assigned_on is not None
        motion = motion_queries.create(session, lead=ctx.member, kind=draft.kind, number=draft.number,
                                       title=draft.title, is_key=draft.is_key, assigned_on=draft.assigned_on,
                                       reply_due_months=_months(ctx), now=ctx.now)
        return SavedReply(ctx.t("Record each step with the buttons below, now or later from /proposals."),
                          actions_keyboard(ctx.t, motion, may_extend=ctx.member.role.is_admin))

    # --- /mine: the motions the member leads, to correct or delete ---

    def records(self, session: Session, ctx: FormContext) -> list[RecordLine]:
        t = ctx.t
        return [RecordLine(self.kind, m.id, m.created_at,
                           " · ".join([t(SHORT_KIND_LABELS[m.kind]), number_label(t, m.number), m.title,
                                       key_label(t, m.is_key), t(STATUS_LABELS[m.status])]))
                for m in motion_queries.own_motions(session, ctx.member.id)]

    def record_draft(self, session: Session, record_id: int, ctx: FormContext) -> MotionLog | None:
        motion = motion_queries.own_motion(session, ctx.member.id, record_id)
        if motion is None:
            return None
        follows = motions.due_follows_rule(motion_queries.state_of(motion), months=_months(ctx))
        return MotionLog(kind=motion.kind, number=motion.number, title=motion.title, is_key=motion.is_key,
                         assigned_on=motion.assigned_on, kept_due=None if follows else motion.reply_due,
                         replied_on=motion.replied_on)

    def update(self, session: Session, record_id: int, draft: MotionLog, ctx: FormContext) -> str:
        t = ctx.t
        motion = motion_queries.own_motion(session, ctx.member.id, record_id, for_update=True)
        if motion is None:
            return t("That record is no longer there; nothing was changed.")
        assert draft.kind is not None and draft.number is not None and draft.title is not None
        assert draft.is_key is not None and draft.assigned_on is not None
        if motion.replied_on is not None and draft.assigned_on > motion.replied_on:  # replied meanwhile
            return t("It was replied to before that assignment date; nothing was changed.")
        motion_queries.correct(session, motion, actor=ctx.member, kind=draft.kind, number=draft.number,
                               title=draft.title, is_key=draft.is_key, assigned_on=draft.assigned_on,
                               reply_due_months=_months(ctx), now=ctx.now)
        return t("The change is kept in the audit log.")

    def delete(self, session: Session, record_id: int, ctx: FormContext) -> bool:
        motion = motion_queries.own_motion(session, ctx.member.id, record_id, for_update=True)
        return delete_own(session, motion, motion_queries.delete, ctx)


def _only(text: str, ctx: FormContext) -> MotionDraft:
    """What a short answer says (建议, 政协提案, 重点, regular…), when it says nothing else."""
    parsed = motions.parse_motion(text, now=ctx.now, lang=ctx.lang)
    return parsed if parsed.title is None and parsed.number is None else MotionDraft()


def _conflict(draft: MotionDraft, ctx: FormContext) -> str:
    t = ctx.t
    said = motions.title_kind(draft.title) if draft.title else None
    if said is None:
        return t("The message names both a suggestion and a proposal; please choose the kind.")
    ending = "的建议" if said is MotionKind.SUGGESTION else "的提案"
    return t("The kind does not match the title, which ends in “{ending}”; please choose the kind again.").format(
        ending=ending)


register_form(ProposalForm())
