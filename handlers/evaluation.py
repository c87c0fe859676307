"""`/evaluate [year]`: the year-end evaluation (年末有考评).

The office (admins) sees the team's evaluation: each racing member's rank, score and grade, a button per
member, Publish, and the printable PDFs in a zip. A member's button shows their 年度履职情况 (figures as the race
counts them) with a button per grade (config `[evaluation] grades`) and one to type a comment (a desk step,
handlers/admin_steps.py). Publish, once every member is graded, sends each member their own evaluation privately
through the outbox (key `evaluation:<team>:<year>:member:<member>`: exactly once, whoever presses it again);
after that the grades no longer change. A member's `/evaluate` shows only their own evaluation, once published;
nobody else's grade is ever shown to a member.

Without a year it is last year's, or this year's in December. Callback data `ev:…` (core/callbacks/evaluation.py);
every press re-checks an active admin, a year not in the future and a member of the admin's team.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.orm import Session
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core import evaluation as rules
from core import outbox_keys
from core.callbacks import evaluation as callbacks
from core.callbacks.evaluation import Action, Press
from core.outbox_keys import EvaluationKey
from handlers import admin_steps
from handlers.access import INVALID, admin_press, members_only, sender
from handlers.cards import edit_card
from handlers.context import SaimaContext
from handlers.incoming import args_of
from handlers.keyboards import in_rows
from handlers.throttle import one_at_a_time
from locales import Translator, translator
from reports import evaluation as words
from reports.words import listed
from storage import evaluation as queries
from storage import outbox, teams
from storage.models import Member

KIND = "evaluation"  # the outbox rows' kind
ZIP_PATTERN = "^" + re.escape(f"{callbacks.PREFIX}{Action.ZIP}:")  # the PDFs: a handler that does not block
FIRST_YEAR = 2000


def default_year(today: date) -> int:
    """The year `/evaluate` means without one: this year in December, else last year."""
    return today.year if today.month == 12 else today.year - 1


def _year_asked(args: list[str], today: date) -> int | None:
    if not args:
        return default_year(today)
    found = re.fullmatch(r"(\d{4})\s*(?:年|年度)?", " ".join(args))
    year = int(found.group(1)) if found else None
    return year if year is not None and FIRST_YEAR <= year <= today.year else None


def _team_evaluation(session: Session, context: SaimaContext, team_id: int, year: int) -> queries.TeamEvaluation:
    team = teams.one(session, team_id)
    return queries.team_evaluation(session, team, year, today=context.today(team.timezone), config=context.config)


async def _figures(context: SaimaContext, team_id: int, year: int) -> queries.TeamEvaluation:
    """The team's evaluation, read in a worker thread (a big team's thirteen boards take a while)."""
    return await context.db.off_loop(lambda session: _team_evaluation(session, context, team_id, year))


def _team_card(t: Translator, found: queries.TeamEvaluation) -> tuple[str, InlineKeyboardMarkup]:
    buttons = [InlineKeyboardButton(entry.name, callback_data=callbacks.build(
        Press(Action.MEMBER, found.year, entry.member_id))) for entry in found.entries]
    rows = in_rows(buttons, 3)
    last = [InlineKeyboardButton(t("📄 PDF (zip)"), callback_data=callbacks.build(Press(Action.ZIP, found.year)))]
    if found.entries and not found.published:
        last.insert(0, InlineKeyboardButton(t("📢 Publish"), callback_data=callbacks.build(
            Press(Action.PUBLISH, found.year))))
    rows.append(last)
    return words.render_team(t, found), InlineKeyboardMarkup(rows)


def _member_card(t: Translator, found: queries.TeamEvaluation, entry: queries.Entry,
                 grades: list[str]) -> tuple[str, InlineKeyboardMarkup]:
    rows = []
    if not entry.published:
        rows += in_rows([InlineKeyboardButton(("✅ " if grade == entry.grade else "") + grade,
                                              callback_data=callbacks.build(Press(Action.GRADE, found.year,
                                                                                  entry.member_id, place)))
                         for place, grade in enumerate(grades)], 4)
        rows.append([InlineKeyboardButton(t("✍️ Comment"), callback_data=callbacks.build(
            Press(Action.COMMENT, found.year, entry.member_id)))])
    rows.append([InlineKeyboardButton(t("← Back"), callback_data=callbacks.build(Press(Action.TEAM, found.year)))])
    return words.render_member(t, found, entry, with_office=True), InlineKeyboardMarkup(rows)


@one_at_a_time
@members_only
async def evaluate(update: Update, context: SaimaContext) -> None:
    """The office sees the team's evaluation with its buttons; a member sees their own published evaluation, or
    that it is not published yet; a year that is not one says which years are."""
    message, member = sender(update, context)
    t = context.t
    today = context.today(member.team.timezone)
    year = _year_asked(args_of(context.args), today)
    if year is None:
        await message.reply_text(t("Send /evaluate for {year}'s evaluation, or /evaluate and a year from {first} to "
                                   "{last}.").format(year=default_year(today), first=FIRST_YEAR, last=today.year))
        return
    found = await _figures(context, member.team_id, year)
    if member.role.is_admin:
        text, keyboard = _team_card(t, found)
        await message.reply_text(text, reply_markup=keyboard)
        return
    entry = found.entry_of(member.id)
    if entry is None or not entry.published:
        await message.reply_text(t("Your evaluation for {year} has not been published yet.").format(year=year))
        return
    await message.reply_text(words.render_member(t, found, entry, with_office=True))


async def press(update: Update, context: SaimaContext) -> None:
    """A member's card, a grade, the comment step, publishing or the PDFs; refused unless the presser is an
    admin, the year is not in the future and the member is in the admin's team."""
    pressed = await admin_press(update, context, callbacks.parse)
    if pressed is None:
        return
    query, t, admin, chosen = pressed.query, context.t, pressed.admin, pressed.press
    if not FIRST_YEAR <= chosen.year <= context.today(admin.team.timezone).year:
        await query.answer(t(INVALID), show_alert=True)
        return
    if chosen.action is Action.PUBLISH:
        await _publish(context, query, admin, chosen.year)
        return
    if chosen.action is Action.ZIP:  # taken by `archive` first; here only if the handlers were reordered
        await _archive(context, query, admin, chosen.year)
        return
    grades = queries.grades(context.config)
    note = ""
    found = await _figures(context, admin.team_id, chosen.year)
    entry = None if chosen.member_id is None else found.entry_of(chosen.member_id)
    if chosen.action is Action.GRADE and entry is not None:
        if chosen.grade is None or chosen.grade >= len(grades):
            entry = None
        else:
            with context.db.session() as session:
                saved = queries.record_grade(session, team_id=admin.team_id, year=chosen.year,
                                             member_id=entry.member_id, grade=grades[chosen.grade], actor=admin,
                                             now=context.now())
                found = queries.with_records(session, found)
            entry = found.entry_of(entry.member_id)
            note = (t("Saved: {name}'s grade is {grade}.").format(name=entry.name if entry else "",
                                                                    grade=grades[chosen.grade])
                    if saved else t("Already published: the grade no longer changes."))
    if chosen.action is not Action.TEAM and entry is None:
        await query.answer(t(INVALID), show_alert=True)
        return
    if chosen.action is Action.COMMENT and entry is not None:
        if entry.published:
            await query.answer(t("Already published: the comment no longer changes."), show_alert=True)
            return
        admin_steps.begin(context, "evaluation_comment", team_id=admin.team_id, member_id=entry.member_id,
                          year=chosen.year)
        await query.answer()
        await edit_card(query, t("Type your comment on {name}'s year ({limit} characters at most). "
                                        "(/cancel to stop)").format(name=entry.name, limit=rules.MAX_COMMENT))
        return
    await query.answer(note)
    text, keyboard = (_team_card(t, found) if entry is None else _member_card(t, found, entry, grades))
    await edit_card(query, text, reply_markup=keyboard)


async def _publish(context: SaimaContext, query: CallbackQuery, admin: Member, year: int) -> None:
    """Publishes when every member is graded: each newly published member's own evaluation goes into the outbox,
    in their language, in the same transaction (a second press publishes and sends nothing again)."""
    t = context.t
    if not rules.publishable(year, context.today(admin.team.timezone)):
        await query.answer(t("The {year} evaluation is published from November {year}, near the year's end. "
                             "Nothing was published.").format(year=year), show_alert=True)
        return
    found = await _figures(context, admin.team_id, year)
    newly: list[int] = []
    with context.db.session() as session:
        found = queries.with_records(session, found)
        missing = [entry.name for entry in found.ungraded]
        if found.entries and not missing:
            newly = queries.publish(session, team_id=admin.team_id, year=year,
                                    member_ids=[entry.member_id for entry in found.entries], actor=admin,
                                    now=context.now())
            found = queries.with_records(session, found)
            languages = queries.languages(session, newly)
            for member_id in newly:
                entry = found.entry_of(member_id)
                assert entry is not None
                reader = translator(languages[member_id])
                outbox.enqueue(session, key=outbox_keys.build(EvaluationKey(admin.team_id, year, member_id)),
                               chat_id=entry.telegram_user_id, kind=KIND,
                               payload={"text": words.render_member(reader, found, entry, with_office=True),
                                        "parse_mode": None, "buttons": []},
                               not_before=context.now(), team_id=admin.team_id, member_id=member_id,
                               now=context.now())
    if not found.entries:
        await query.answer(t("No member races this year."), show_alert=True)
        return
    if missing:
        await query.answer(t("Not published: give a grade to {names} first.").format(names=listed(t, missing)),
                           show_alert=True)
        return
    await query.answer(t.ngettext("Published: {n} member will receive their evaluation.",
                                  "Published: {n} members will receive their evaluation.", len(newly)).format(
        n=len(newly)) if newly else t("Already published."))
    text, keyboard = _team_card(t, found)
    await edit_card(query, text, reply_markup=keyboard)


@one_at_a_time
async def archive(update: Update, context: SaimaContext) -> None:
    """Every member's one-page PDF in a zip, as a document (a big team's take a minute: the handler does not
    block, so everyone else's updates go on meanwhile, and a second press while one runs is told to wait)."""
    pressed = await admin_press(update, context, callbacks.parse)
    if pressed is None:
        return
    query, admin, year = pressed.query, pressed.admin, pressed.press.year
    if pressed.press.action is not Action.ZIP or not FIRST_YEAR <= year <= context.today(admin.team.timezone).year:
        await query.answer(context.t(INVALID), show_alert=True)
        return
    await _archive(context, query, admin, year)


async def _archive(context: SaimaContext, query: CallbackQuery, admin: Member, year: int) -> None:
    t = context.t
    await query.answer()
    team_id = admin.team_id
    content = await context.db.off_loop(lambda session: _team_evaluation(session, context, team_id, year),
                                        lambda found: words.archive(t, found))
    if isinstance(query.message, Message):
        await query.message.reply_document(document=content, filename=f"{year}-{t('evaluation')}.zip",
                                           caption=t("Evaluation {year}: one page per member.").format(year=year))


@admin_steps.on_step("evaluation_comment")
async def comment(context: SaimaContext, message: Message, admin: Member, step: admin_steps.DeskStep,
                  text: str) -> None:
    """The comment typed: checked (empty or too long: said so, and it waits again), stored, audited; then the
    member's card again."""
    t = context.t
    problem = rules.comment_problem(text)
    if problem is rules.CommentProblem.EMPTY:
        await message.reply_text(t("Please type the comment. (/cancel to stop)"))
        return
    if problem is rules.CommentProblem.TOO_LONG:
        await message.reply_text(t("The comment is too long: {limit} characters at most. Nothing was saved. "
                                   "(/cancel to stop)").format(limit=rules.MAX_COMMENT))
        return
    year, member_id = int(step["year"]), int(step["member_id"])
    found = await _figures(context, admin.team_id, year)
    entry = found.entry_of(member_id)
    saved = False
    if entry is not None:
        with context.db.session() as session:
            saved = queries.record_comment(session, team_id=admin.team_id, year=year, member_id=member_id,
                                           comment=text.strip(), actor=admin, now=context.now())
            found = queries.with_records(session, found)
        entry = found.entry_of(member_id)
    admin_steps.end(context)
    if entry is None:
        await message.reply_text(t("That member is no longer on the roster. Nothing was changed."))
        return
    card, keyboard = _member_card(t, found, entry, queries.grades(context.config))
    note = t("Comment saved.") if saved else t("Already published: the comment no longer changes.")
    await message.reply_text(f"{note}\n\n{card}", reply_markup=keyboard)


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [CommandHandler("evaluate", evaluate, filters=filters.ChatType.PRIVATE, block=False),
            CallbackQueryHandler(archive, pattern=ZIP_PATTERN, block=False),
            CallbackQueryHandler(press, pattern=callbacks.PATTERN)]
