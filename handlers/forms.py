"""The shape every log takes: one message with everything, or a guided conversation, then Confirm.

A member types `/study 昨天下午 集体学习 2小时 优化营商环境条例` and sees a draft in words with
Confirm / Edit / Cancel; what the message did not say is asked for step by step (buttons where the
choice is closed). Nothing is stored before Confirm. Each kind of log is a `Form` in its own module
(log_study.py, log_trip.py, log_proposal.py, …); this module runs them all as one conversation flow
(handlers/conversation.py, `FLOW`), so starting a new log replaces the draft in progress and `/cancel`
works everywhere.

The draft is a `FormState` (user_data `form`, written through to the database before each reply), so a
restart loses nothing; its `step` (`FormStep`) says what it waits for. Typed answers and files reach it
through the shared rules (handlers/steps.py): other commands and other flows' buttons leave the draft
waiting, text at the card is told to use the buttons. Every press on a draft's buttons goes to one
handler (`pressed`), which routes it by the draft's step. Every card carries a fresh nonce in its
buttons: a press on an old card, or forged callback data, changes nothing.
"""

from __future__ import annotations

import dataclasses
import enum
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from config import Config
from core.callbacks import form_start, mine
from core.callbacks import forms as callbacks
from core.callbacks.forms import Action
from handlers import conversation
from handlers.access import MEMBERS_ONLY, switched_team
from handlers.cards import edit_buttons, edit_card
from handlers.context import SaimaContext
from handlers.incoming import text_of
from locales import N_, Translator
from storage import confirmations
from storage.models import Member

D = TypeVar("D")


class FormStep(enum.StrEnum):
    ASKING = "asking"  # waiting for one field's answer
    CONFIRMING = "confirming"  # the draft card with Confirm / Edit / Cancel is shown
    CHOOSING_FIELD = "choosing_field"  # Edit was pressed: which field?
    DUPLICATE = "duplicate"  # it looks logged already: keep both, or cancel?


@dataclass(frozen=True)
class Choice:
    """One answer to a closed question, shown as a button: the value stored and its label."""

    value: str
    label: str  # message id; or, when `literal`, text from the data shown as it is (a topic's title)
    literal: bool = False


@dataclass(frozen=True)
class Field:
    """One question of a form: the field's name, its Edit button's label, its prompt, and its choices when
    closed."""

    name: str
    label: str  # message id, on the Edit buttons
    prompt: str  # message id, the question
    choices: tuple[Choice, ...] = ()
    columns: int = 2  # buttons per row (1 for long labels)


@dataclass(frozen=True)
class Rejected:
    """An answer that cannot be used, and the specific reason (already translated)."""

    reason: str


@dataclass(frozen=True)
class Stay(Generic[D]):
    """What `Form.choose` may return to keep asking the same field, its buttons redrawn in place (a
    toggle, a page of names)."""

    draft: D


@dataclass(frozen=True)
class SavedReply:
    """What `Form.save` may return instead of a plain line: the line and buttons for a next step
    (e.g. "Add findings" under a saved trip)."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class RecordLine:
    """One stored record as `/mine` lists it."""

    kind: str
    record_id: int
    created_at: datetime
    summary: str  # translated, one line


@dataclass(frozen=True)
class FormContext:
    """What a form reads and checks a draft with: the time, the member and their language, and the
    settings."""

    now: datetime
    today: date
    lang: str
    t: Translator
    member: Member
    config: Config | None = None  # the deployment's settings (e.g. proposals.reply_due_months)


class Form(ABC, Generic[D]):
    """One kind of log: how to read it, check it, show it and store it."""

    kind: str  # short id used in callback data and user_data, e.g. "study"
    command: str | None  # None: opened only from a button (core/callbacks/form_start.py), e.g. a finding
    admin_only: bool = False  # e.g. recording a collective session for the whole team
    draft_type: type[D]
    fields: tuple[Field, ...]

    @abstractmethod
    def parse_message(self, text: str, ctx: FormContext) -> D: ...

    @abstractmethod
    def read_field(self, name: str, text: str, draft: D, ctx: FormContext) -> D | Rejected: ...

    @abstractmethod
    def problems(self, draft: D, ctx: FormContext) -> tuple[D, list[str]]:
        """The draft with bad fields cleared, and why each was bad (translated)."""

    @abstractmethod
    def missing(self, draft: D) -> list[str]: ...

    @abstractmethod
    def card(self, draft: D, ctx: FormContext) -> str:
        """The draft in words, as the member will confirm it."""

    @abstractmethod
    def is_duplicate(self, session: Session, draft: D, ctx: FormContext, *, excluding: int | None = None) -> bool:
        """Whether the draft looks like a record already stored (Keep both / Cancel is asked), other than the
        record `excluding`: the one a correction from /mine changes, which is no duplicate of itself."""

    @abstractmethod
    def save(self, session: Session, draft: D, ctx: FormContext) -> str | SavedReply | Rejected:
        """Stores the confirmed draft; returns the line (and optional buttons) under the saved card, or
        why nothing was stored after all (what the draft was about has moved on meanwhile)."""

    # --- stored records, for /mine (only the member's own, never deleted ones) ---

    def records(self, session: Session, ctx: FormContext) -> list[RecordLine]:
        return []

    def record_draft(self, session: Session, record_id: int, ctx: FormContext) -> D | None:
        """The member's own record as a draft to edit, or None (not theirs, deleted, unknown)."""
        return None

    def update(self, session: Session, record_id: int, draft: D, ctx: FormContext) -> str:
        raise NotImplementedError

    def delete(self, session: Session, record_id: int, ctx: FormContext) -> bool | str:
        """Soft-deletes the member's own record (audited); False when it is not theirs to delete, else True
        or a line on what else the deletion changed (translated; e.g. members' own logs given back)."""
        return False

    def prepare(self, session: Session, draft: D, ctx: FormContext) -> D:
        """Completes a new draft from the database (e.g. the member's key research topics to offer)."""
        return draft

    def start_from(self, session: Session, argument: str, ctx: FormContext) -> D | Rejected | None:
        """A new draft for a button's argument (`fs:<kind>:<argument>`, e.g. the trip to add a finding
        to), or None when that is not this member's to use, or Rejected when it is theirs but has moved
        on (e.g. already closed: the reason is shown). Callback data can be forged: check here."""
        return None

    def choices(self, name: str, draft: D, ctx: FormContext) -> tuple[Choice, ...]:
        """The buttons offered for a field; by default its fixed choices."""
        return self.field(name).choices

    def editable(self, draft: D) -> tuple[Field, ...]:
        """The fields Edit offers; by default all of them."""
        return self.fields

    def choose(self, name: str, value: str, draft: D, ctx: FormContext) -> D | Rejected | Stay[D]:
        """A button for a closed choice was pressed; by default the same as typing its value."""
        return self.read_field(name, value, draft, ctx)

    def read_file(self, name: str, kind: str, file_id: str, draft: D, ctx: FormContext) -> D | Rejected:
        """A photo or document (`kind`) sent as the answer; by default refused: the field wants words."""
        return Rejected(ctx.t("Please answer in words."))

    def prompt(self, name: str, draft: D, ctx: FormContext) -> str:
        """The question for a field (translated); by default its fixed prompt."""
        return ctx.t(self.field(name).prompt)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    # --- the draft in user_data (JSON-like; the persistence codec keeps dates and Decimals) ---

    def dump(self, draft: D) -> dict[str, Any]:
        return {k: (v.value if isinstance(v, enum.Enum) else v) for k, v in dataclasses.asdict(draft).items()}  # type: ignore[call-overload]

    def load(self, data: dict[str, Any]) -> D:
        return conversation.restored(self.draft_type, data)


# --- the conversation ----------------------------------------------------------------------------

_FORMS: dict[str, Form[Any]] = {}


def register_form(form: Form[Any]) -> None:
    _FORMS[form.kind] = form


def all_forms() -> list[Form[Any]]:
    return list(_FORMS.values())


def forms_by_command() -> dict[str, Form[Any]]:
    return {form.command: form for form in _FORMS.values() if form.command}


def _form_context(context: SaimaContext, member: Member) -> FormContext:
    now = context.now()
    return FormContext(now=now.astimezone(ZoneInfo(member.team.timezone)),
                       today=now.astimezone(ZoneInfo(member.team.timezone)).date(),
                       lang=member.language.value, t=context.t, member=member, config=context.config)


@dataclass
class FormState(conversation.State):
    """A log's draft while it waits (user_data `form`, with the keys it always had): which form, the draft
    as the form dumps it, the field asked, and the card's nonce."""

    step: FormStep = FormStep.ASKING
    kind: str = ""  # the form's `kind`
    draft: dict[str, Any] = dataclasses.field(default_factory=dict)  # `Form.dump` of the draft
    asking: str | None = None  # the field whose answer is awaited (ASKING)
    editing: bool = False  # changing one field from the card: back to the card after it
    nonce: str = ""  # the current card's: presses on older cards are refused
    draft_id: str | None = None  # the token its Confirm consumes (storage.confirmations); None before tokens
    record_id: int | None = None  # the stored record being changed (✏️ in /mine), else None


def _state(context: SaimaContext) -> FormState | None:
    return context.conversation.get(FLOW)


def _end(context: SaimaContext) -> None:
    context.conversation.end(FLOW)


DISCARDED = N_("The unfinished draft before this one was discarded.")


async def start(update: Update, context: SaimaContext) -> None:
    """`/<kind> …`: reads what the message says, then asks for the rest or shows the draft."""
    message = update.effective_message
    assert message is not None and message.text is not None
    member = context.member()
    if member is None:
        _end(context)
        await message.reply_text(context.t("This is for members of a team. Open the invite link "
                                           "from your team's office, or send /join <code>."))
        return
    command, _, rest = (text_of(message) or "").partition(" ")
    form = forms_by_command()[command.lstrip("/").split("@")[0].lower()]
    if form.admin_only and not member.role.is_admin:
        _end(context)
        await message.reply_text(context.t("Only your team's office (admins) can use this."))
        return
    await begin(message, context, member, form, rest.strip())


async def begin(message: Message, context: SaimaContext, member: Member, form: Form[Any], text: str) -> None:
    """A new draft of `form` read from `text` (a command's, or a message without one read as this kind of
    log, handlers/log_any.py): the rest is asked, then the card. Nothing is stored before Confirm."""
    ctx = _form_context(context, member)
    notes = [context.t(DISCARDED)] if _state(context) else []
    draft = form.parse_message(text, ctx) if text else form.draft_type()
    with context.db.session() as session:
        draft = form.prepare(session, draft, ctx)
    state = context.conversation.begin(FLOW, _new_state(form, draft, team_id=member.team_id))
    await _advance(message, context, state, form, draft, ctx, notes)


async def begin_from(message: Message, context: SaimaContext, member: Member, kind: str, argument: str,
                     text: str) -> bool:
    """A new draft about something saved (as `start_from_button`: `argument` names it, checked by the form),
    with `text` as the answer to its first question (a task's report with the message as its note); False,
    and nothing begun, when the form does not take it."""
    form = _FORMS[kind]
    ctx = _form_context(context, member)
    with context.db.session() as session:
        draft = form.start_from(session, argument, ctx)
    if draft is None or isinstance(draft, Rejected) or not form.missing(draft):
        return False
    answered = form.read_field(form.missing(draft)[0], text, draft, ctx)
    if isinstance(answered, Rejected):
        return False
    notes = [context.t(DISCARDED)] if _state(context) else []
    state = context.conversation.begin(FLOW, _new_state(form, answered, team_id=member.team_id))
    await _advance(message, context, state, form, answered, ctx, notes)
    return True


async def start_edit(update: Update, context: SaimaContext) -> None:
    """✏️ on a record in /mine: its card, to change fields with Edit and store with Confirm."""
    query = update.callback_query
    member = context.member()
    assert query is not None and query.data is not None and query.message is not None
    press = mine.parse(query.data)
    form = _FORMS.get(press.kind or "") if press is not None and press.action is mine.Action.EDIT else None
    draft = None
    if form is not None and member is not None and press is not None and press.record_id is not None:
        ctx = _form_context(context, member)
        with context.db.session() as session:
            draft = form.record_draft(session, press.record_id, ctx)
    if draft is None or form is None or member is None or press is None:
        _end(context)
        await query.answer(context.t("This button is not valid any more."), show_alert=True)
        return
    await query.answer()
    state = context.conversation.begin(FLOW, _new_state(form, draft, record_id=press.record_id,
                                                        team_id=member.team_id))
    await _show_card(query.message, context, state, form, draft, ctx, [])  # type: ignore[arg-type]  # a press's message is a Message here (not inaccessible: the card was just pressed)


async def start_from_button(update: Update, context: SaimaContext) -> None:
    """A button that opens a new log about something saved (e.g. "Add findings" under a trip).

    A refused press leaves any draft in progress as it was."""
    query = update.callback_query
    member = context.member()
    assert query is not None and query.data is not None and query.message is not None
    press = form_start.parse(query.data)
    form = _FORMS.get(press.action) if press is not None else None
    if member is None:
        await query.answer(context.t(MEMBERS_ONLY), show_alert=True)
        return
    draft = None
    ctx = _form_context(context, member)
    if form is not None and press is not None and not (form.admin_only and not member.role.is_admin):
        with context.db.session() as session:
            draft = form.start_from(session, str(press.ref_id), ctx)
    if form is None or draft is None:
        await query.answer(context.t("This button is not valid any more."), show_alert=True)
        return
    if isinstance(draft, Rejected):
        await query.answer(draft.reason, show_alert=True)
        return
    await query.answer()
    notes = [context.t(DISCARDED)] if _state(context) else []
    state = context.conversation.begin(FLOW, _new_state(form, draft, team_id=member.team_id))
    await _advance(query.message, context, state, form, draft, ctx, notes)  # type: ignore[arg-type]  # as in start_edit


def _new_state(form: Form[Any], draft: Any, *, team_id: int, record_id: int | None = None) -> FormState:
    """A new draft. Its `draft_id` is the token its Confirm consumes (storage.confirmations)."""
    return FormState(kind=form.kind, draft=form.dump(draft), nonce=_nonce(), draft_id=secrets.token_hex(16),
                     team_id=team_id, record_id=record_id)


async def _advance(message: Message, context: SaimaContext, state: FormState, form: Form[Any], draft: Any,
                   ctx: FormContext, notes: list[str]) -> None:
    """Reports problems, then asks the first missing field or shows the card."""
    draft, problems = form.problems(draft, ctx)
    state.draft = form.dump(draft)
    missing = form.missing(draft)
    if missing:
        await _ask(message, context, state, form, missing[0], notes + problems, editing=False)
        return
    await _show_card(message, context, state, form, draft, ctx, notes + problems)


async def _ask(message: Message, context: SaimaContext, state: FormState, form: Form[Any], name: str,
               notes: list[str], *, editing: bool) -> None:
    state.asking, state.editing, state.step = name, editing, FormStep.ASKING
    text, keyboard = _question(context, state, form, name, notes)
    await message.reply_text(text, reply_markup=keyboard)


def _question(context: SaimaContext, state: FormState, form: Form[Any], name: str,
              notes: list[str]) -> tuple[str, InlineKeyboardMarkup | None]:
    field = form.field(name)
    t = context.t
    member = context.member()
    ctx = _form_context(context, member) if member is not None else None
    draft = form.load(state.draft)
    prompt = form.prompt(name, draft, ctx) if ctx is not None else t(field.prompt)
    text = "\n".join([*notes, prompt]) if notes else prompt
    keyboard = None
    choices = form.choices(name, draft, ctx) if ctx is not None else field.choices
    if choices:
        buttons = [InlineKeyboardButton(c.label if c.literal else t(c.label), callback_data=_data(state, Action.CHOICE, c.value))
                   for c in choices]
        step = field.columns
        keyboard = InlineKeyboardMarkup([buttons[i : i + step] for i in range(0, len(buttons), step)])
    return text + "\n" + t("(/cancel to stop)"), keyboard


async def _show_card(message: Message, context: SaimaContext, state: FormState, form: Form[Any], draft: Any,
                     ctx: FormContext, notes: list[str]) -> None:
    # A new card: old cards' buttons go stale.
    state.asking, state.editing, state.nonce, state.step = None, False, _nonce(), FormStep.CONFIRMING
    t = context.t
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(t("Confirm"), callback_data=_data(state, Action.CONFIRM)),
        InlineKeyboardButton(t("Edit"), callback_data=_data(state, Action.EDIT)),
        InlineKeyboardButton(t("Cancel"), callback_data=_data(state, Action.CANCEL)),
    ]])
    body = "\n".join([*notes, form.card(draft, ctx), "", t("Is this right?")])
    await message.reply_text(body, reply_markup=keyboard)


async def _typed(update: Update, context: SaimaContext, state: FormState, text: str) -> bool:
    """A message while a question is asked (the card's steps are `button_steps`: handlers/steps.py tells
    text there to use the buttons): a typed answer, or a photo or document for a file field."""
    message = update.effective_message
    assert message is not None
    if message.text is None:
        await answer_file(message, context, state)
    else:
        await answer_text(message, context, state, text)
    return True


async def answer_text(message: Message, context: SaimaContext, state: FormState, text: str) -> None:
    """A typed answer to the current question: taken, or refused with the reason and asked again."""
    member = context.member()
    if member is None or state.asking is None:
        await _lost(message, context)
        return
    form = _FORMS[state.kind]
    ctx = _form_context(context, member)
    draft = form.load(state.draft)
    result = form.read_field(state.asking, text, draft, ctx)
    await _after_answer(message, context, state, form, draft, result, ctx)


@dataclass(frozen=True)
class _Press:
    """A valid press on the current card: the query, the draft's state, the presser, the form, and the
    action with its argument."""

    query: CallbackQuery
    state: FormState
    member: Member
    form: Form[Any]
    action: Action
    argument: str


async def _valid_press(update: Update, context: SaimaContext, actions: tuple[Action, ...]) -> _Press | None:
    """A press on the current card, by someone who may use its form; anything else (an old card,
    forged data, a member who left, a member pressing an admin's form) is answered and ignored."""
    query = update.callback_query
    assert query is not None and query.data is not None
    state = _state(context)
    member = context.member()
    parsed = callbacks.parse(query.data)  # "ok:" with something after it is forged: None
    if parsed is None or parsed.action not in actions or state is None or parsed.nonce != state.nonce:
        await query.answer(context.t("This button is not valid any more."), show_alert=True)
        return None
    form = _FORMS[state.kind]
    if member is None or (form.admin_only and not member.role.is_admin):
        await query.answer(context.t(MEMBERS_ONLY), show_alert=True)
        return None
    if (switched := switched_team(context, state.team_id)) is not None:
        await query.answer(switched, show_alert=True)  # every press: Confirm above all, creating nothing
        return None
    return _Press(query, state, member, form, parsed.action, parsed.argument)


async def answer_choice(update: Update, context: SaimaContext) -> None:
    """A button for a closed choice (e.g. the kind of study)."""
    press = await _valid_press(update, context, (Action.CHOICE,))
    if press is None:
        return
    query, state, form = press.query, press.state, press.form
    ctx = _form_context(context, press.member)
    draft = form.load(state.draft)
    if state.asking is None or not any(c.value == press.argument for c in form.choices(state.asking, draft, ctx)):
        await query.answer(context.t("This button is not valid any more."), show_alert=True)
        return
    await query.answer()  # once: a second answer to the same press is refused by Telegram
    assert query.message is not None
    result = form.choose(state.asking, press.argument, draft, ctx)
    if isinstance(result, Stay):  # the same question, its buttons redrawn (a toggle, another page)
        state.draft = form.dump(result.draft)
        text, keyboard = _question(context, state, form, state.asking, [])
        await edit_card(query, text, reply_markup=keyboard)
        return
    await edit_buttons(query, None)
    await _after_answer(query.message, context, state, form, draft, result, ctx)  # type: ignore[arg-type]  # as in start_edit


async def answer_file(message: Message, context: SaimaContext, state: FormState) -> None:
    """A photo or document sent as the answer to the current question (e.g. an attachment)."""
    member = context.member()
    if member is None or state.asking is None:
        await _lost(message, context)
        return
    if message.photo:
        kind, file_id = "photo", message.photo[-1].file_id
    else:
        assert message.document is not None
        kind, file_id = "document", message.document.file_id
    form = _FORMS[state.kind]
    ctx = _form_context(context, member)
    draft = form.load(state.draft)
    result = form.read_file(state.asking, kind, file_id, draft, ctx)
    await _after_answer(message, context, state, form, draft, result, ctx)


async def _after_answer(message: Message, context: SaimaContext, state: FormState, form: Form[Any], draft: Any,
                        result: Any, ctx: FormContext) -> None:
    if isinstance(result, Rejected):
        assert state.asking is not None
        await _ask(message, context, state, form, state.asking, [result.reason], editing=state.editing)
        return
    state.draft = form.dump(result)
    if state.editing:
        checked, problems = form.problems(result, ctx)
        state.draft = form.dump(checked)
        if form.missing(checked):
            await _ask(message, context, state, form, form.missing(checked)[0], problems, editing=True)
            return
        await _show_card(message, context, state, form, checked, ctx, problems)
        return
    await _advance(message, context, state, form, result, ctx, [])


async def card_button(update: Update, context: SaimaContext) -> None:
    """Confirm stores the draft; Edit offers the fields; Cancel discards it."""
    press = await _valid_press(update, context, (Action.CONFIRM, Action.EDIT, Action.CANCEL))
    if press is None:
        return
    query, state, form = press.query, press.state, press.form
    ctx = _form_context(context, press.member)
    draft = form.load(state.draft)
    await query.answer()
    if press.action is Action.CANCEL:
        await _cancelled(update, context)
        return
    if press.action is Action.EDIT:
        t = context.t
        buttons = [InlineKeyboardButton(t(f.label), callback_data=_data(state, Action.FIELD, f.name))
                   for f in form.editable(draft)]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append([InlineKeyboardButton(t("Back"), callback_data=_data(state, Action.BACK))])
        state.step = FormStep.CHOOSING_FIELD
        await edit_buttons(query, InlineKeyboardMarkup(rows))
        return
    with context.db.session() as session:
        before = _confirmed_before(session, state)
        # A correction is checked as a new log is: made onto another record (a motion's number already on the
        # ledger, a trip's days and places), it asks first.
        duplicate = not before and form.is_duplicate(session, draft, ctx, excluding=state.record_id)
        if not before and not duplicate:
            saved = _store(session, state, form, draft, press.member, ctx)
    if before:
        await _saved_before(update, context, form.card(draft, ctx))
        return
    if duplicate:
        t = context.t
        state.step = FormStep.DUPLICATE
        await edit_card(
            query, form.card(draft, ctx) + "\n\n" + t("This looks like a record you have already logged. Keep both?"),
            reply_markup=InlineKeyboardMarkup([[
                InlineKeyboardButton(t("Keep both"), callback_data=_data(state, Action.KEEP)),
                InlineKeyboardButton(t("Cancel"), callback_data=_data(state, Action.CANCEL)),
            ]]),
        )
        return
    await _saved(update, context, form.card(draft, ctx), saved)


async def duplicate_button(update: Update, context: SaimaContext) -> None:
    """Keep both stores the record (or the correction) anyway; Cancel discards the draft."""
    press = await _valid_press(update, context, (Action.KEEP, Action.CANCEL))
    if press is None:
        return
    query, state, form = press.query, press.state, press.form
    await query.answer()
    if press.action is Action.CANCEL:
        await _cancelled(update, context)
        return
    ctx = _form_context(context, press.member)
    draft = form.load(state.draft)
    with context.db.session() as session:
        before = _confirmed_before(session, state)
        if not before:
            saved = _store(session, state, form, draft, press.member, ctx)
    if before:
        await _saved_before(update, context, form.card(draft, ctx))
        return
    await _saved(update, context, form.card(draft, ctx), saved)


def _store(session: Session, state: FormState, form: Form[Any], draft: Any, member: Member,
           ctx: FormContext) -> str | SavedReply | Rejected:
    """Stores the confirmed draft: a new record, or the correction of the one `state.record_id` names; its
    Confirm is used up in the same transaction."""
    saved = form.save(session, draft, ctx) if state.record_id is None else \
        form.update(session, state.record_id, draft, ctx)
    _consume(session, state, member, ctx, saved)
    return saved


def _confirmed_before(session: Session, state: FormState) -> bool:
    """Whether this draft's Confirm was consumed already: a doubled press, or one replayed after a crash
    that came before the draft was closed (its record was made then, in the same transaction)."""
    return state.draft_id is not None and confirmations.consumed(session, state.draft_id) is not None


def _consume(session: Session, state: FormState, member: Member, ctx: FormContext, saved: object) -> None:
    """Marks the draft's Confirm used in the transaction that stores its record (drafts from before
    confirmation tokens have none, and are stored as before; a save refused stored nothing)."""
    if state.draft_id is not None and not isinstance(saved, Rejected):
        confirmations.consume(session, state.draft_id, entity=state.kind, entity_id=state.record_id,
                              team_id=member.team_id, member_id=member.id, now=ctx.now)


async def _saved_before(update: Update, context: SaimaContext, card: str) -> None:
    """A second Confirm of a draft already stored: says so, under the card, and stores nothing."""
    _end(context)
    assert update.callback_query is not None
    already = context.t("Already saved: this draft was stored once. Nothing new was saved.")
    await edit_card(update.callback_query, f"✅ {already}\n{card}")


async def field_button(update: Update, context: SaimaContext) -> None:
    """One of the fields to change was picked (or Back to the card)."""
    press = await _valid_press(update, context, (Action.FIELD, Action.BACK))
    if press is None:
        return
    query, state, form = press.query, press.state, press.form
    if press.action is Action.FIELD and press.argument not in {f.name for f in form.editable(form.load(state.draft))}:
        await query.answer(context.t("This button is not valid any more."), show_alert=True)
        return
    await query.answer()
    await edit_buttons(query, None)
    assert query.message is not None
    if press.action is Action.BACK:
        ctx = _form_context(context, press.member)
        await _show_card(query.message, context, state, form, form.load(state.draft), ctx, [])  # type: ignore[arg-type]  # as in start_edit
        return
    await _ask(query.message, context, state, form, press.argument, [], editing=True)  # type: ignore[arg-type]  # as in start_edit


# What a press on a form's buttons does, by the step the draft waits at (its own actions are checked there).
_PRESSES = {FormStep.ASKING: answer_choice, FormStep.CONFIRMING: card_button,
            FormStep.CHOOSING_FIELD: field_button, FormStep.DUPLICATE: duplicate_button}


async def pressed(update: Update, context: SaimaContext) -> None:
    """A press on a form's question or card, to what the draft's step expects; with no draft open, or an
    action the step does not offer, it is not valid any more."""
    state = _state(context)
    await _PRESSES[state.step if state is not None else FormStep.ASKING](update, context)


async def _cancelled(update: Update, context: SaimaContext) -> None:
    _end(context)
    text = context.t(CANCELLED)
    if update.callback_query is not None:
        await edit_card(update.callback_query, text)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def _saved(update: Update, context: SaimaContext, card: str, reply: str | SavedReply | Rejected) -> None:
    _end(context)
    assert update.callback_query is not None
    if isinstance(reply, Rejected):
        await edit_card(update.callback_query, f"{card}\n\n{reply.reason}")
        return
    reply = reply if isinstance(reply, SavedReply) else SavedReply(reply)
    saved = context.t("Saved.")
    await edit_card(update.callback_query, f"✅ {saved}\n{card}\n\n{reply.text}".rstrip(),
                                                  reply_markup=reply.keyboard)


async def _lost(message: Message, context: SaimaContext) -> None:
    """The draft is gone (e.g. the member left the team meanwhile): end, rather than guess."""
    _end(context)
    await message.reply_text(context.t("That draft is no longer open. Nothing was saved; please start again."))


def _nonce() -> str:
    return secrets.token_hex(3)


def _data(state: FormState, action: Action, argument: str = "") -> str:
    return callbacks.build(callbacks.Press(state.nonce, action, argument))


CANCELLED = N_("Cancelled. Nothing was saved.")
FLOW = conversation.register(conversation.Flow(
    key="form", state=FormState, prefixes=(callbacks.PREFIX,), answer=_typed, files=True, cancelled=CANCELLED,
    keeps_on_team_switch=True, commands_end=False, buttons_end=False,
    button_steps=frozenset({FormStep.CONFIRMING, FormStep.CHOOSING_FIELD, FormStep.DUPLICATE})))


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Every form's command, the buttons that open a draft (✏️ in /mine, "Add findings"), and the presses
    on a draft's questions and card; typed answers reach `_typed` through handlers/steps.py."""
    private = filters.ChatType.PRIVATE
    return [CommandHandler(list(forms_by_command()), start, filters=private),
            CallbackQueryHandler(start_edit, pattern=mine.EDIT_PATTERN),
            CallbackQueryHandler(start_from_button, pattern=form_start.PATTERN),
            CallbackQueryHandler(pressed, pattern=callbacks.PATTERN)]
