"""`/study`: log a study session in one message, or step by step.

    /study 昨天下午 集体学习 2小时 优化营商环境条例
    → 学习记录：2026-11-20（星期五）· 集体学习 · 2 小时 · 优化营商环境条例   [确认] [修改] [取消]

Missing pieces are asked in order: date, kind (buttons), hours, topic.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from core import study
from core.domain import StudyKind
from core.study import Sitting, StudyDraft, StudyProblem
from handlers.form_parts import RuledForm, Rules, accepted
from handlers.forms import Choice, Field, FormContext, RecordLine, Rejected, SavedReply, register_form
from locales import N_, Translator
from reports.words import day_in_words, field_line, hours_in_words, listed, short_day
from storage import study as study_queries

KIND_LABELS = {
    StudyKind.COLLECTIVE: N_("collective study"),
    StudyKind.LAW: N_("law study"),
    StudyKind.THEORY_GROUP: N_("theory study group"),
    StudyKind.SELF_STUDY: N_("self-study"),
}

_PROBLEMS = {
    StudyProblem.NO_SUCH_DAY: N_("There is no such day as the one in that date (such as 30 February)."),
    StudyProblem.IN_FUTURE: N_("A study session can only be logged once it has taken place; the date is in the future."),
    StudyProblem.TOO_OLD: N_("That date is more than a year back; only this year and last year can be logged."),
    StudyProblem.HOURS_OUT_OF_RANGE: N_("Hours must be between 0.5 and 24."),
    StudyProblem.TOPIC_TOO_LONG: N_("The topic is too long (at most 200 characters)."),
    StudyProblem.SELF_STUDY_FOR_TEAM: N_("Self-study is logged by each member; a team session is collective, law "
                                         "or theory-group study."),
}


def kind_label(t: Translator, kind: StudyKind) -> str:
    return t(KIND_LABELS[kind])


class StudyForm(RuledForm[StudyDraft]):
    kind = "study"
    command = "study"
    draft_type = StudyDraft
    rules = Rules(study.study_problems, study.without_problems, study.missing_fields, _PROBLEMS)
    fields: tuple[Field, ...] = (
        Field("held_on", N_("Date"), N_("When was the session? (e.g. 昨天下午, 11月18日, last Wednesday)")),
        Field("kind", N_("Kind"), N_("What kind of study was it?"),
              choices=tuple(Choice(k.value, label) for k, label in KIND_LABELS.items())),
        Field("hours", N_("Hours"), N_("How many hours? (e.g. 2, 1.5, 两小时)")),
        Field("topic", N_("Topic"), N_("What was the topic?")),
    )

    def choices(self, name: str, draft: StudyDraft, ctx: FormContext) -> tuple[Choice, ...]:
        """A team session's kinds are the team kinds (editing one from /mine too); a member's own, all four."""
        if name == "kind" and draft.for_team:
            return tuple(c for c in self.field(name).choices if c.value in {k.value for k in study.TEAM_KINDS})
        return super().choices(name, draft, ctx)

    def parse_message(self, text: str, ctx: FormContext) -> StudyDraft:
        return study.parse_study(text, now=ctx.now, lang=ctx.lang)

    def read_field(self, name: str, text: str, draft: StudyDraft, ctx: FormContext) -> StudyDraft | Rejected:
        t = ctx.t
        if name == "held_on":
            return accepted(study.parse_held_on(text, now=ctx.now, lang=ctx.lang),
                            lambda day: replace(draft, held_on=day[0], starts_at=day[1]),
                            t("I could not read “{text}” as a date.").format(text=text[:40]))
        if name == "kind":
            return accepted(study.parse_kind(text) or next((k for k in StudyKind if k.value == text), None),
                            lambda kind: replace(draft, kind=kind),
                            t("Please choose one of the kinds with the buttons."))
        if name == "hours":
            return accepted(study.parse_hours(text), lambda hours: replace(draft, hours=hours),
                            t("I could not read “{text}” as a number of hours.").format(text=text[:40]))
        return accepted(text.strip() or None, lambda topic: replace(draft, topic=topic),
                        t("Please type the topic."))

    def card(self, draft: StudyDraft, ctx: FormContext) -> str:
        t = ctx.t
        assert draft.held_on is not None and draft.kind is not None and draft.hours is not None
        when = day_in_words(t, draft.held_on)
        if draft.starts_at is not None:
            when += " " + draft.starts_at.strftime("%H:%M")
        counts = study.COUNTS_TOWARDS[draft.kind]
        lines = [
            t("Study session"),
            field_line(t, t("Date"), when),
            field_line(t, t("Kind"), kind_label(t, draft.kind)),
            field_line(t, t("Hours"), hours_in_words(t, draft.hours)),
            field_line(t, t("Topic"), draft.topic or ""),
        ]
        if counts is None:
            lines.append(t("(Self-study is recorded but counts towards no yearly target.)"))
        return "\n".join(lines)

    def is_duplicate(self, session: Session, draft: StudyDraft, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        assert draft.kind is not None and draft.held_on is not None and draft.topic is not None
        corrected = None if excluding is None else study_queries.owned(session, study_id=excluding,
                                                                          member_id=ctx.member.id)
        if corrected is not None and corrected.for_team:  # a team session the office recorded, from /mine
            return study_queries.team_session_exists(session, team_id=ctx.member.team_id, kind=draft.kind,
                                                     held_on=draft.held_on, topic=draft.topic, excluding=excluding)
        return study_queries.attended_same(session, member_id=ctx.member.id, kind=draft.kind,
                                           held_on=draft.held_on, topic=draft.topic, excluding=excluding)

    def save(self, session: Session, draft: StudyDraft, ctx: FormContext) -> str | SavedReply | Rejected:
        assert draft.kind is not None and draft.held_on is not None and draft.hours is not None
        assert draft.topic is not None
        office = study_queries.team_session_for(session, team_id=ctx.member.team_id, own=_sitting(draft))
        if office is not None:  # one session, one count: the log becomes attendance of the office's session
            t = ctx.t
            words = {"kind": kind_label(t, office.kind), "day": short_day(t, office.held_on), "topic": office.topic}
            if study_queries.attend_team_session(session, study=office, member=ctx.member, now=ctx.now):
                return t("The office has already recorded this session ({kind}, {day}, “{topic}”): it counts as "
                         "your attendance of it, once. Send /me to see your progress.").format(**words)
            return Rejected(t("The office has already recorded this session ({kind}, {day}, “{topic}”) and you "
                              "are marked present on it: it counts once, nothing more was stored.").format(**words))
        study_queries.log_own(session, member=ctx.member, kind=draft.kind, held_on=draft.held_on,
                              starts_at=draft.starts_at, hours=draft.hours, topic=draft.topic, now=ctx.now)
        return ctx.t("Send /me to see your progress.")

    def records(self, session: Session, ctx: FormContext) -> list[RecordLine]:
        return [RecordLine(self.kind, s.id, s.created_at, self._summary(ctx, s.held_on, s.kind, s.hours, s.topic))
                for s in study_queries.recorded_by(session, ctx.member.id)]

    def _summary(self, ctx: FormContext, held_on: date, kind: StudyKind, hours: Decimal, topic: str) -> str:
        t = ctx.t
        label = t("Study")
        return f"{label} · {short_day(t, held_on)} · {kind_label(t, kind)} · {hours_in_words(t, hours)} · {topic}"

    def record_draft(self, session: Session, record_id: int, ctx: FormContext) -> StudyDraft | None:
        found = study_queries.owned(session, study_id=record_id, member_id=ctx.member.id)
        if found is None:
            return None
        return StudyDraft(held_on=found.held_on, starts_at=found.starts_at, kind=found.kind, hours=found.hours,
                          topic=found.topic, for_team=found.for_team)

    def update(self, session: Session, record_id: int, draft: StudyDraft, ctx: FormContext) -> str:
        found = study_queries.owned(session, study_id=record_id, member_id=ctx.member.id)
        if found is None:
            return ctx.t("That record is no longer there; nothing was changed.")
        assert draft.kind is not None and draft.held_on is not None and draft.hours is not None
        assert draft.topic is not None
        study_queries.change(session, found, actor=ctx.member, kind=draft.kind, held_on=draft.held_on,
                             starts_at=draft.starts_at, hours=draft.hours, topic=draft.topic, now=ctx.now)
        office = None if found.for_team else study_queries.team_session_for(
            session, team_id=ctx.member.team_id, own=study_queries.sitting(found))
        if office is not None:  # moved onto a day the office recorded: one session, one count
            study_queries.merge_into(session, found, office, member_id=ctx.member.id, actor=ctx.member, now=ctx.now)
            t = ctx.t
            return t("The office has already recorded this session ({kind}, {day}, “{topic}”): it counts as "
                     "your attendance of it, once. Send /me to see your progress.").format(
                kind=kind_label(t, office.kind), day=short_day(t, office.held_on), topic=office.topic)
        return ctx.t("The change is kept in the audit log.")

    def delete(self, session: Session, record_id: int, ctx: FormContext) -> bool | str:
        found = study_queries.owned(session, study_id=record_id, member_id=ctx.member.id)
        if found is None:
            return False
        back = study_queries.delete(session, found, actor=ctx.member, now=ctx.now)
        if not back:
            return True
        t = ctx.t
        return t("Their own log of this session counts again for: {names}.").format(
            names=listed(t, (m.display_name for m in back)))


def _sitting(draft: StudyDraft) -> Sitting:
    assert draft.kind is not None and draft.held_on is not None and draft.hours is not None
    assert draft.topic is not None
    return Sitting(kind=draft.kind, held_on=draft.held_on, starts_at=draft.starts_at, hours=draft.hours,
                   topic=draft.topic)


register_form(StudyForm())
