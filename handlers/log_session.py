"""`/session` (admins): record a collective session once, then tick who attended from the roster.

    /session 11月18日下午 集体学习 3小时 二十届四中全会精神
    → the draft card; Confirm → "tick who attended": one button per member (☐ 张三 → ✅ 张三), Done.

Every tick is stored at once (and audited); each member ticked is credited with the session. A member
ticked who had logged this session themself (the same duty and day, and the same topic or hours:
`core.study.same_session`) has that record merged into the session (one session, one count, one ledger row)
and the admin is told whose record it was; unticking, or deleting the session from /mine, gives it back.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from core.callbacks import log_session as callbacks
from core.callbacks.log_session import Action, Press
from core.domain import MemberStatus
from core.study import StudyDraft
from handlers.cards import edit_buttons
from handlers.context import SaimaContext
from handlers.forms import FormContext, RecordLine, SavedReply, register_form
from handlers.keyboards import in_rows
from handlers.log_study import StudyForm
from locales import Translator
from reports.words import listed, short_day
from storage import members
from storage import study as study_queries
from storage.models import Member


class TeamSessionForm(StudyForm):
    """The study form for a team session: its draft is the team's (`StudyDraft.for_team`), so it offers only
    the team kinds and refuses self-study, as the study form does when a team session is edited from /mine."""

    kind = "session"
    command = "session"
    admin_only = True

    def prepare(self, session: Session, draft: StudyDraft, ctx: FormContext) -> StudyDraft:
        return replace(draft, for_team=True)

    def records(self, session: Session, ctx: FormContext) -> list[RecordLine]:
        return []  # team sessions an admin recorded are listed once, through the study form

    def card(self, draft: StudyDraft, ctx: FormContext) -> str:
        body = super().card(draft, ctx).split("\n", 1)[1]
        return ctx.t("Team study session (attendance is ticked next)") + "\n" + body

    def is_duplicate(self, session: Session, draft: StudyDraft, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        assert draft.kind is not None and draft.held_on is not None and draft.topic is not None
        return study_queries.team_session_exists(session, team_id=ctx.member.team_id, kind=draft.kind,
                                                 held_on=draft.held_on, topic=draft.topic, excluding=excluding)

    def save(self, session: Session, draft: StudyDraft, ctx: FormContext) -> SavedReply:
        assert draft.kind is not None and draft.held_on is not None and draft.hours is not None
        assert draft.topic is not None
        study = study_queries.record_for_team(session, admin=ctx.member, kind=draft.kind, held_on=draft.held_on,
                                              starts_at=draft.starts_at, hours=draft.hours, topic=draft.topic,
                                              now=ctx.now)
        roster = members.of_team(session, ctx.member.team_id)
        t = ctx.t
        own = set(study_queries.logged_themselves(session, study=study))
        names = [m.display_name for m in roster if m.id in own and m.status is MemberStatus.ACTIVE]
        note = "" if not names else t(
            "Logged this day's study themselves: {names}. Ticking them makes that record their attendance of this "
            "session, counted once.").format(names=listed(t, names)) + "\n"
        return SavedReply(note + t("Tick who attended:"), roster_keyboard(t, study.id, roster, set()))


def roster_keyboard(t: Translator, study_id: int, roster: list[Member], present: set[int]) -> InlineKeyboardMarkup:
    active = [m for m in roster if m.status is MemberStatus.ACTIVE]
    buttons = [InlineKeyboardButton(("✅ " if m.id in present else "☐ ") + m.display_name,
                                    callback_data=callbacks.build(Press(study_id, Action.TICK, m.id))) for m in active]
    rows = in_rows(buttons, 2)
    rows.append([InlineKeyboardButton(t("Done"), callback_data=callbacks.build(Press(study_id, Action.DONE)))])
    return InlineKeyboardMarkup(rows)


async def tick(update: Update, context: SaimaContext) -> None:
    """A tick on the roster: stored at once; only an admin of the session's team may tick. Ticking a
    member who had logged this session themself merges that record into the session and tells the admin
    whose record it was."""
    query = update.callback_query
    assert query is not None and query.data is not None
    admin = context.member()
    parsed = callbacks.parse(query.data)
    merged_on: date | None = None
    valid = False
    with context.db.session() as session:
        # Re-read on every press: a live team session of the presser's team (not a member's own log, not
        # deleted since the roster was shown), and the presser still an active admin of it.
        study = study_queries.team_session(session, team_id=admin.team_id, study_id=parsed.study_id) \
            if parsed and admin is not None else None
        if parsed is not None and study is not None and admin is not None and admin.role.is_admin:
            roster = members.of_team(session, study.team_id)
            study_id, target = parsed.study_id, parsed.member_id or 0  # 0: Done, whom no member has
            valid = parsed.action is Action.DONE or any(
                m.id == target and m.status is MemberStatus.ACTIVE for m in roster)
        if valid and parsed is not None and parsed.action is Action.DONE:
            count = len(study_queries.attendee_ids(session, study_id))
        elif valid:
            assert study is not None and admin is not None
            now, member_id = context.now(), target
            if study_queries.toggle_attendance(session, study=study, member_id=member_id, admin=admin, now=now):
                merged = study_queries.merge_own_records(session, study=study, member_id=member_id, admin=admin,
                                                         now=now)
                merged_on = merged[0].held_on if merged else None
            else:
                study_queries.unmerge_own_records(session, study=study, member_id=member_id, admin=admin, now=now)
            present = study_queries.attendee_ids(session, study_id)
    if not valid:
        await query.answer(context.t("This button is not valid any more."), show_alert=True)
        return
    await query.answer()
    t = context.t
    assert isinstance(query.message, Message) and parsed is not None
    if parsed.action is Action.DONE:
        await edit_buttons(query, None)
        await query.message.reply_text(t.ngettext("Attendance recorded: {n} member present.",
                                                  "Attendance recorded: {n} members present.", count).format(n=count))
        return
    await edit_buttons(query, roster_keyboard(t, study_id, roster, present))
    if merged_on is not None:
        name = next(m.display_name for m in roster if m.id == target)
        await query.message.reply_text(t(
            "{name} had logged this study on {day} themself: that record now counts as their attendance of this "
            "session, once.").format(name=name, day=short_day(t, merged_on)))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CallbackQueryHandler(tick, pattern=callbacks.PATTERN)]


register_form(TeamSessionForm())
