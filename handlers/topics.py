"""`/topics`: the member's key research topics (重点调研课题) and their stages, moved on from buttons.

    /topics
    → 我的重点调研课题
      1. 山区26县高质量发展路径研究（2026年）
         阶段：调研中（自11月5日）
         计入年度任务：达到“形成报告”后计入
                                                        [1. 形成报告]
    [开始调研]  one tap: 立项 → 调研中 from today (a trip logged for the topic does it on its own)
    [形成报告]  a form: the report (send it as a document, or type its title) → the day it was finished → card
    [成果转化]  a form: what it became (a policy, a decision, a proposal) → the day → card
    /topics all (the office): every topic of the team this year, with its lead and stage, and buttons
    [立项] [调研中] [✓ 形成报告] [成果转化] choosing the stage at which the team's topics count (tp:c:<stage>)

The forms are handlers/forms.py's (nothing stored before Confirm, /cancel everywhere, a stale card refused);
each move is checked again when confirmed, so a topic moved on meanwhile, or a forged press, changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core import topics as rules
from core.callbacks import form_start
from core.callbacks import topics as callbacks
from core.callbacks.form_start import Action as Start
from core.callbacks.topics import Action, Press
from core.dates import read_date
from core.domain import TopicStage
from core.text import squeeze, utf16_len
from core.topics import MoveProblem, TitleProblem
from handlers.access import ADMINS_ONLY, INVALID, member_press, members_only
from handlers.cards import edit_card
from handlers.context import SaimaContext
from handlers.forms import Field, Form, FormContext, Rejected, SavedReply, register_form
from handlers.incoming import args_of
from locales import N_, Translator
from reports.topics import stage_label, topic_lines
from reports.words import day_in_words, field_line
from storage import teams
from storage import topics as topic_queries
from storage import trips as trip_queries
from storage.models import Member, ResearchTopic

ALL_WORDS = frozenset({"all", "全部", "全班子"})
SHORT_TITLE = 24  # characters of a title on a button

MOVE_PROBLEMS = {
    MoveProblem.NOT_NEXT: N_("This topic has already moved on; nothing was changed."),
    MoveProblem.NO_REPORT: N_("Please send the report as a document, or type its title."),
    MoveProblem.NO_OUTCOME: N_("Please type what the topic became (a policy, a decision, a proposal)."),
    MoveProblem.OUTCOME_TOO_LONG: N_("That is too long (at most 500 characters); please shorten it."),
    MoveProblem.IN_FUTURE: N_("That day has not come yet; please give today or an earlier day."),
    MoveProblem.BEFORE_PREVIOUS: N_("That day is before the topic reached its current stage; nothing was changed."),
}
_NEXT_LABELS = {
    TopicStage.RESEARCHING: N_("Start research"),
    TopicStage.REPORT: N_("Report done"),
    TopicStage.OUTCOME: N_("Results applied"),
}


def _short(text: str, limit: int = SHORT_TITLE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _since(topic: ResearchTopic, registered: date) -> date | None:
    stage = topic.stage or TopicStage.REGISTERED
    return {TopicStage.REGISTERED: registered, TopicStage.RESEARCHING: topic.research_started_on,
            TopicStage.REPORT: topic.report_on, TopicStage.OUTCOME: topic.outcome_on}[stage]


def describe(t: Translator, topic: ResearchTopic, *, index: int | None, registered: date,
             lead: str | None = None) -> list[str]:
    return topic_lines(t, index=index, title=topic.title, year=topic.year, stage=topic.stage,
                       since=_since(topic, registered), report_title=topic.report_title,
                       has_report_file=topic.report_file_id is not None, report_on=topic.report_on,
                       outcome=topic.outcome, outcome_on=topic.outcome_on, counts=topic.counts_on is not None,
                       lead=lead)


def _next_button(t: Translator, index: int, topic: ResearchTopic) -> InlineKeyboardButton | None:
    to = rules.next_stage(topic.stage or TopicStage.REGISTERED)
    if to is None:
        return None
    data = {TopicStage.RESEARCHING: callbacks.build(Press(Action.RESEARCH, topic.id)),
            TopicStage.REPORT: form_start.build(form_start.Press(Start.TOPIC_REPORT, topic.id)),
            TopicStage.OUTCOME: form_start.build(form_start.Press(Start.TOPIC_OUTCOME, topic.id))}[to]
    return InlineKeyboardButton(f"{index}. {t(_NEXT_LABELS[to])}", callback_data=data)


def _own_page(session: Session, t: Translator, member: Member, note: str = "") -> tuple[str, InlineKeyboardMarkup | None]:
    team = member.team
    counting = topic_queries.counting_stage(team)
    own = trip_queries.own_topics(session, member.id)
    lines = [note, ""] if note else []
    if not own:
        lines.append(t("You have no key research topic registered. Register the one you lead with "
                       "/topic <title>."))
        return "\n".join(lines), None
    tz = topic_queries.zone(team)
    lines.append(t("Your key research topics"))
    rows = []
    for index, topic in enumerate(own, start=1):
        lines += describe(t, topic, index=index, registered=topic.created_at.astimezone(tz).date())
        button = _next_button(t, index, topic)
        if button is not None:
            rows.append([button])
    lines += ["", t("Your team counts a key topic towards the year's target once it reaches “{stage}”.").format(
        stage=stage_label(t, counting))]
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


def _team_page(session: Session, t: Translator, member: Member, year: int,
               note: str = "") -> tuple[str, InlineKeyboardMarkup]:
    team = member.team
    counting = topic_queries.counting_stage(team)
    tz = topic_queries.zone(team)
    found = topic_queries.team_topics(session, team.id, year)
    lines = [note, ""] if note else []
    lines.append(t("The team's key research topics ({year})").format(year=year))
    if not found:
        lines.append(t("No key research topic is registered for this year yet."))
    for index, (topic, lead) in enumerate(found, start=1):
        lines += describe(t, topic, index=index, registered=topic.created_at.astimezone(tz).date(),
                          lead=lead)
    counted = sum(1 for topic, _ in found if topic.counts_on is not None)
    lines += ["", t("Counted towards the year's targets: {counted} of {total} (at “{stage}”).").format(
        counted=counted, total=len(found), stage=stage_label(t, counting)),
        t("The office may choose the stage at which a key topic counts:")]
    buttons = [InlineKeyboardButton(("✓ " if stage is counting else "") + stage_label(t, stage),
                                    callback_data=callbacks.build(Press(Action.COUNTING, stage=stage)))
               for stage in TopicStage]
    return "\n".join(lines), InlineKeyboardMarkup([buttons[:2], buttons[2:]])


@members_only
async def show_topics(update: Update, context: SaimaContext) -> None:
    """`/topics`: the member's topics, each with its stage and the button for its next step; `/topics all`:
    the office sees every topic of the team this year."""
    member = context.member()
    message = update.effective_message
    assert member is not None and message is not None
    t = context.t
    args = args_of(context.args)
    if args and " ".join(args).lower() in ALL_WORDS:
        if not member.role.is_admin:
            await message.reply_text(t(ADMINS_ONLY))
            return
        with context.db.session() as session:
            text, board = _team_page(session, t, member, context.today(member.team.timezone).year)
        await message.reply_text(text, reply_markup=board)
        return
    if args:
        await message.reply_text(t("Send /topics for your key research topics, or /topics all for the team's "
                                   "(office)."))
        return
    with context.db.session() as session:
        text, keyboard = _own_page(session, t, member)
    await message.reply_text(text, reply_markup=keyboard)


async def topics_button(update: Update, context: SaimaContext) -> None:
    """The list again, one tap that starts a topic's research today, or the office's choice of the counting
    stage; each checked against the presser."""
    pressed = await member_press(update, context, callbacks.parse)
    if pressed is None:
        return
    member, press, query, t = pressed.member, pressed.press, pressed.query, context.t
    if press.action is Action.COUNTING:
        await _counting_chosen(update, context, member, press)
        return
    note = ""
    with context.db.session() as session:
        topic = (trip_queries.own_key_topic(session, member.id, press.topic_id or 0)
                 if press.action is Action.RESEARCH else None)
        if press.action is Action.RESEARCH and topic is not None:
            today = context.today(member.team.timezone)
            problem = topic_queries.start_research(session, topic, on=today, today=today, actor=member,
                                                   now=context.now())
            note = t(MOVE_PROBLEMS[problem]) if problem else "✅ " + t("“{title}” is now under research.").format(
                title=_short(topic.title))
        text, keyboard = _own_page(session, t, member, note)
    if press.action is Action.RESEARCH and topic is None:  # not theirs, or gone
        await query.answer(t(INVALID), show_alert=True)
        return
    await query.answer(note or None)
    await edit_card(query, text, reply_markup=keyboard)


async def _counting_chosen(update: Update, context: SaimaContext, member: Member, press: Press) -> None:
    """The office chose the stage at which the team's key topics count: every topic's day and the month
    totals follow at once (audited); choosing the stage already in force changes nothing."""
    query = update.callback_query
    assert query is not None and press.stage is not None
    t = context.t
    if not member.role.is_admin:
        await query.answer(t(ADMINS_ONLY), show_alert=True)
        return
    with context.db.session() as session:
        team = teams.one(session, member.team_id)
        if topic_queries.counting_stage(team) is press.stage:
            note = t("Key topics already count at “{stage}”; nothing was changed.").format(
                stage=stage_label(t, press.stage))
        else:
            topic_queries.set_counting_stage(session, team, press.stage, actor=member, now=context.now())
            note = "✅ " + t("From now on a key topic counts once it reaches “{stage}”.").format(
                stage=stage_label(t, press.stage))
        session.flush()
        text, keyboard = _team_page(session, t, member, context.today(member.team.timezone).year, note)
    await query.answer(note)
    await edit_card(query, text, reply_markup=keyboard)


# --- the steps that ask something: the report, and what the topic became ------------------------------


@dataclass(frozen=True)
class StageDraft:
    """A key topic's next stage being drafted: the topic, the earliest day it may be, the report (its
    title or document) or the outcome, and the day."""

    topic_id: int | None = None
    title: str | None = None  # the topic's
    earliest: date | None = None  # the day the topic reached its current stage: the next cannot be earlier
    text: str | None = None  # the report's title, or what the topic became
    file_id: str | None = None  # the report as a document
    on: date | None = None


class _StageForm(Form[StageDraft]):
    """A topic's next stage, asked and confirmed on a card."""

    command = None
    draft_type = StageDraft
    at: TopicStage  # the stage the topic must be at
    heading: str  # message id of the card's first line

    def start_from(self, session: Session, argument: str, ctx: FormContext) -> StageDraft | Rejected | None:
        topic = trip_queries.own_key_topic(session, ctx.member.id, int(argument)) if argument.isdigit() else None
        if topic is None:
            return None
        if topic.stage is not self.at:
            return Rejected(ctx.t(MOVE_PROBLEMS[MoveProblem.NOT_NEXT]))
        state = topic_queries.state_of(topic, topic_queries.zone(ctx.member.team))
        return StageDraft(topic_id=topic.id, title=topic.title, earliest=rules.earliest_next_day(state))

    def parse_message(self, text: str, ctx: FormContext) -> StageDraft:
        return StageDraft()

    def read_day(self, text: str, draft: StageDraft, ctx: FormContext) -> StageDraft | Rejected:
        t = ctx.t
        day = read_date(text, now=ctx.now, prefer="past", lang=ctx.lang)
        if day is None:
            return Rejected(t("I could not read “{text}” as a date.").format(text=text[:40]))
        on = day.date() if isinstance(day, datetime) else day
        if on > ctx.today:
            return Rejected(t(MOVE_PROBLEMS[MoveProblem.IN_FUTURE]))
        if draft.earliest is not None and on < draft.earliest:
            return Rejected(t("That is before the topic reached its current stage ({date}); please give that day "
                              "or a later one.").format(date=day_in_words(t, draft.earliest)))
        return replace(draft, on=on)

    def problems(self, draft: StageDraft, ctx: FormContext) -> tuple[StageDraft, list[str]]:
        return draft, []

    def is_duplicate(self, session: Session, draft: StageDraft, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        return False

    def _saved(self, session: Session, topic: ResearchTopic, problem: MoveProblem | None,
               ctx: FormContext) -> SavedReply | Rejected:
        t = ctx.t
        if problem is not None:
            return Rejected(t(MOVE_PROBLEMS[problem]))
        line = t("Now: {stage}.").format(stage=stage_label(t, topic.stage))
        if topic.counts_on is not None:
            line += " " + t("✅ Counts towards the year's target")
        back = InlineKeyboardButton(t("‹ My key topics"), callback_data=callbacks.build(Press(Action.LIST)))
        return SavedReply(line, InlineKeyboardMarkup([[back]]))


class TopicReportForm(_StageForm):
    kind = "topicreport"
    at = TopicStage.RESEARCHING
    heading = N_("Key research topic: report done")
    fields = (
        Field("report", N_("Research report"), N_("Send the report as a document, or type its title.")),
        Field("on", N_("Finished on"), N_("On what day was the report finished? For example yesterday or 20 Nov.")),
    )

    def missing(self, draft: StageDraft) -> list[str]:
        return [name for name, absent in (("report", draft.text is None and draft.file_id is None),
                                          ("on", draft.on is None)) if absent]

    def read_field(self, name: str, text: str, draft: StageDraft, ctx: FormContext) -> StageDraft | Rejected:
        t = ctx.t
        if name == "on":
            return self.read_day(text, draft, ctx)
        title = squeeze(text)
        problem = rules.title_problem(title)
        if problem is TitleProblem.TOO_LONG:
            return Rejected(t("The report's title is too long (at most 200 characters)."))
        if problem is TitleProblem.TOO_SHORT:
            return Rejected(t("Please send the report as a document, or type its full title."))
        return replace(draft, text=title)

    def read_file(self, name: str, kind: str, file_id: str, draft: StageDraft,
                  ctx: FormContext) -> StageDraft | Rejected:
        if name != "report":
            return super().read_file(name, kind, file_id, draft, ctx)
        if kind != "document":
            return Rejected(ctx.t("Please send the report as a document (a file, not a photo), or type its title."))
        return replace(draft, file_id=file_id)

    def card(self, draft: StageDraft, ctx: FormContext) -> str:
        t = ctx.t
        report = " · ".join(part for part in (draft.text, t("a document") if draft.file_id else None) if part)
        return "\n".join([t(self.heading), field_line(t, t("Key research topic"), draft.title or ""),
                          field_line(t, t("Research report"), report),
                          field_line(t, t("Finished on"), day_in_words(t, draft.on) if draft.on else "")])

    def save(self, session: Session, draft: StageDraft, ctx: FormContext) -> SavedReply | Rejected:
        topic = trip_queries.own_key_topic(session, ctx.member.id, draft.topic_id or 0)
        if topic is None or draft.on is None:
            return Rejected(ctx.t("That record is no longer there; nothing was changed."))
        problem = topic_queries.attach_report(session, topic, title=draft.text, file_id=draft.file_id, on=draft.on,
                                              today=ctx.today, actor=ctx.member, now=ctx.now)
        return self._saved(session, topic, problem, ctx)


class TopicOutcomeForm(_StageForm):
    kind = "topicoutcome"
    at = TopicStage.REPORT
    heading = N_("Key research topic: results applied")
    fields = (
        Field("outcome", N_("Outcome"), N_("What did the topic become? For example a policy, a decision or a "
                                           "proposal; type it in a sentence.")),
        Field("on", N_("Applied on"), N_("On what day? For example last Friday or 1 Dec.")),
    )

    def missing(self, draft: StageDraft) -> list[str]:
        return [name for name, absent in (("outcome", draft.text is None), ("on", draft.on is None)) if absent]

    def read_field(self, name: str, text: str, draft: StageDraft, ctx: FormContext) -> StageDraft | Rejected:
        if name == "on":
            return self.read_day(text, draft, ctx)
        outcome = squeeze(text)
        if not outcome:
            return Rejected(ctx.t(MOVE_PROBLEMS[MoveProblem.NO_OUTCOME]))
        if utf16_len(outcome) > rules.MAX_OUTCOME:
            return Rejected(ctx.t(MOVE_PROBLEMS[MoveProblem.OUTCOME_TOO_LONG]))
        return replace(draft, text=outcome)

    def card(self, draft: StageDraft, ctx: FormContext) -> str:
        t = ctx.t
        return "\n".join([t(self.heading), field_line(t, t("Key research topic"), draft.title or ""),
                          field_line(t, t("Outcome"), draft.text or ""),
                          field_line(t, t("Applied on"), day_in_words(t, draft.on) if draft.on else "")])

    def save(self, session: Session, draft: StageDraft, ctx: FormContext) -> SavedReply | Rejected:
        topic = trip_queries.own_key_topic(session, ctx.member.id, draft.topic_id or 0)
        if topic is None or draft.on is None or draft.text is None:
            return Rejected(ctx.t("That record is no longer there; nothing was changed."))
        problem = topic_queries.record_outcome(session, topic, outcome=draft.text, on=draft.on, today=ctx.today,
                                               actor=ctx.member, now=ctx.now)
        return self._saved(session, topic, problem, ctx)


register_form(TopicReportForm())
register_form(TopicOutcomeForm())


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    return [
        CommandHandler("topics", show_topics, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(topics_button, pattern=callbacks.PATTERN),
    ]
