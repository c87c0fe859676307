"""`/proposal`: log a suggestion (人大建议) or proposal (政协提案) the member leads (领办), in one message
or step by step.

    /proposal 建议 第123号 关于加快山区公路建设的建议 重点
    → 类型：人大建议 · 编号：第123号 · 标题：… · 是否重点：重点 · 领办人：张三 · 交办日期：today
      · 答复期限：交办后 3 个月                                             [确认] [修改] [取消]

Missing pieces are asked in order: kind (buttons), number, title, key or regular (buttons). The
assignment date is today unless the message gives one (3月1日交办) or it is changed with Edit.
Confirm stores the motion (assigned, led by the member) and offers its first steps as buttons.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from core import motions
from core.dates import parse_date
from core.domain import MotionKind
from core.motions import MotionDraft, MotionProblem
from handlers.forms import Choice, Field, Form, FormContext, Rejected, SavedReply, register_form
from handlers.proposals import actions_keyboard
from locales import N_
from reports.motions import KIND_LABELS, draft_lines
from storage import motions as motion_queries

KEY, REGULAR = "key", "regular"

_PROBLEMS = {
    MotionProblem.NUMBER_INVALID: N_("The number must be 1 to 6 digits, e.g. 第123号 or 123."),
    MotionProblem.TITLE_TOO_SHORT: N_("The title is too short (at least 4 characters)."),
    MotionProblem.TITLE_TOO_LONG: N_("The title is too long (at most 200 characters); please shorten it."),
    MotionProblem.ASSIGNED_IN_FUTURE: N_("The assignment date cannot be in the future, so today is used; "
                                         "press Edit to change it."),
}


def _months(ctx: FormContext) -> int:
    return ctx.config.proposals.reply_due_months if ctx.config is not None else motions.DEFAULT_REPLY_MONTHS


class ProposalForm(Form[MotionDraft]):
    kind = "proposal"
    command = "proposal"
    draft_type = MotionDraft
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

    def parse_message(self, text: str, ctx: FormContext) -> MotionDraft:
        return motions.parse_motion(text, now=ctx.now, lang=ctx.lang)

    def read_field(self, name: str, text: str, draft: MotionDraft, ctx: FormContext) -> MotionDraft | Rejected:
        t = ctx.t
        if name == "kind":
            kind = next((k for k in MotionKind if k.value == text), None) or _only(text, ctx).kind
            if kind is None:
                return Rejected(t("Please choose with the buttons: NPC suggestion (人大建议) or CPPCC proposal "
                                  "(政协提案)."))
            return replace(draft, kind=kind, kind_conflict=False)
        if name == "number":
            number = motions.parse_number(text)
            if number is None:
                return Rejected(t("I could not read “{text}” as a number; please type it like 第123号 or 123.")
                                .format(text=text[:40]))
            return replace(draft, number=number)
        if name == "title":
            title = motions.clean_title(text)
            if title is None:
                return Rejected(t("Please type the title."))
            return replace(draft, title=title)
        if name == "is_key":
            is_key = {KEY: True, REGULAR: False}.get(text)
            is_key = _only(text, ctx).is_key if is_key is None else is_key
            if is_key is None:
                return Rejected(t("Please choose with the buttons: key (重点) or regular (一般)."))
            return replace(draft, is_key=is_key)
        parsed = parse_date(text, now=ctx.now, prefer="past", lang=ctx.lang)
        if parsed is None:
            return Rejected(t("I could not read “{text}” as a date.").format(text=text[:40]))
        day = parsed.date() if isinstance(parsed, datetime) else parsed
        if day > ctx.today:
            return Rejected(t("The assignment date cannot be in the future."))
        return replace(draft, assigned_on=day)

    def problems(self, draft: MotionDraft, ctx: FormContext) -> tuple[MotionDraft, list[str]]:
        found = motions.motion_problems(draft, today=ctx.today)
        reasons = [_conflict(draft, ctx) if p is MotionProblem.KIND_CONFLICT else ctx.t(_PROBLEMS[p])
                   for p in found]
        checked = motions.without_problems(draft, found)
        if checked.assigned_on is None:  # the day it is logged, unless the member says otherwise
            checked = replace(checked, assigned_on=ctx.today)
        return checked, reasons

    def missing(self, draft: MotionDraft) -> list[str]:
        return motions.missing_fields(draft)

    def card(self, draft: MotionDraft, ctx: FormContext) -> str:
        t = ctx.t
        assert draft.kind is not None and draft.number is not None and draft.title is not None
        assert draft.is_key is not None and draft.assigned_on is not None
        months = _months(ctx)
        lines = draft_lines(t, kind=draft.kind, number=draft.number, title=draft.title, is_key=draft.is_key,
                            lead=ctx.member.display_name, assigned_on=draft.assigned_on,
                            reply_due=motions.reply_due(draft.assigned_on, months=months), months=months)
        return "\n".join([t("Suggestion or proposal you lead"), *lines])

    def is_duplicate(self, session: Session, draft: MotionDraft, ctx: FormContext) -> bool:
        assert draft.kind is not None and draft.number is not None and draft.assigned_on is not None
        return motion_queries.number_taken(session, team_id=ctx.member.team_id, kind=draft.kind,
                                           number=draft.number, year=draft.assigned_on.year)

    def save(self, session: Session, draft: MotionDraft, ctx: FormContext) -> SavedReply:
        assert draft.kind is not None and draft.number is not None and draft.title is not None
        assert draft.is_key is not None and draft.assigned_on is not None
        motion = motion_queries.create(session, lead=ctx.member, kind=draft.kind, number=draft.number,
                                       title=draft.title, is_key=draft.is_key, assigned_on=draft.assigned_on,
                                       reply_due_months=_months(ctx), now=ctx.now)
        return SavedReply(ctx.t("Record each step with the buttons below, now or later from /proposals."),
                          actions_keyboard(ctx.t, motion, may_extend=ctx.member.role.is_admin))


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
