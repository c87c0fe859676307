"""`/trip`: log a grassroots research trip (下基层调研) in one message, or step by step.

    /trip 11月5日至8日 淳安县 山区共富调研
    → 下基层调研
      日期：2026年11月5日（星期四）至 11月8日（星期日），共 4 天
      地点：淳安县
      主题：山区共富调研                                    [确认] [修改] [取消]

Missing pieces are asked in order: dates, places, topic. A member who leads key research topics
(重点调研课题, registered with /topic) of the trip's year is also asked, in a guided conversation, which one the
trip serves (those topics as buttons, or None); a complete one-message log never waits for that, and
Edit links it later. The topics offered are those of the years the trip's days fall in, not the year it is
logged: a December trip logged in January serves December's year. The saved card offers "Add findings" for the opinions heard on the trip.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core import trips
from core.callbacks import form_start
from core.trips import TripDraft, TripProblem
from handlers.form_parts import accepted, delete_own, said
from handlers.forms import (
    Choice,
    Field,
    Form,
    FormContext,
    RecordLine,
    Rejected,
    SavedReply,
    register_form,
)
from locales import N_, Translator
from reports.words import days_in_words, field_line, short_day, span_in_words
from storage import trips as trip_queries

NO_KEY_TOPIC = "none"
KEY_TOPIC = "key_topic"
TITLE_ON_BUTTON = 40  # characters of a topic's title shown on its button

DAYS_APART = N_("One trip is one span of days, such as 11月5日至8日; days that do not follow one another are "
                "separate trips: please log each on its own.")
_PROBLEMS = {
    TripProblem.DAYS_APART: DAYS_APART,
    TripProblem.NO_SUCH_DAY: N_("There is no such day as the one in those dates (such as 30 February)."),
    TripProblem.IN_FUTURE: N_("A trip can only be logged for days that have passed; "
                              "those dates are still to come."),
    TripProblem.END_BEFORE_START: N_("The trip cannot end before it starts."),
    TripProblem.TOO_LONG: N_("A trip can last at most 92 days; please check the dates."),
    TripProblem.NOT_THIS_YEAR_OR_LAST: N_("That is more than a year back; "
                                          "only this year and last year can be logged."),
    TripProblem.PLACES_TOO_LONG: N_("The places are too long (at most 200 characters)."),
    TripProblem.TOPIC_TOO_LONG: N_("The topic is too long (at most 200 characters)."),
}


@dataclass(frozen=True)
class TripLog(TripDraft):
    """The trip as parsed, and its link to one of the member's key research topics."""

    research_topic_id: int | None = None
    key_topic_answered: bool = False  # the member chose a topic or None
    ask_key_topic: bool = True  # a guided conversation asks it; a complete one-message log does not
    # (id, title, year) of the member's topics of every year the trip may be in; `key_topics` picks the trip's
    member_topics: tuple[tuple[int, str, int], ...] = ()

    def key_topics(self) -> tuple[tuple[int, str], ...]:
        """(id, title) of the topics this trip may serve: those of the years its days fall in (none before its
        dates are known)."""
        if self.start is None or self.end is None:
            return ()
        years = trips.trip_years(self.start, self.end)
        return tuple((key, title) for key, title, year in self.member_topics if year in years)

    def topic_title(self) -> str | None:
        return next((title for key, title, _ in self.member_topics if key == self.research_topic_id), None)

    def with_dates(self, start: date, end: date) -> TripLog:
        """New dates; a link to a topic of a year the trip is no longer in is dropped, and asked again."""
        moved = replace(self, start=start, end=end)
        if moved.research_topic_id is None or any(key == moved.research_topic_id for key, _ in moved.key_topics()):
            return moved
        return replace(moved, research_topic_id=None, key_topic_answered=False)


def trip_dates_in_words(t: Translator, start: date, end: date) -> str:
    """2026年11月5日（星期四）至 11月8日（星期日），共 4 天."""
    return t("{dates}, {days}").format(dates=span_in_words(t, start, end),
                                       days=days_in_words(t, trips.trip_days(start, end)))


def short_span(t: Translator, start: date, end: date) -> str:
    """11月5日–11月8日 / 5 Nov–8 Nov; one day is that day."""
    return short_day(t, start) if start == end else f"{short_day(t, start)}–{short_day(t, end)}"


def trip_card(t: Translator, start: date, end: date, places: str, topic: str, key_topic: str | None) -> str:
    """The trip in words, as on its draft card (also under /findings)."""
    lines = [
        t("Grassroots research trip"),
        field_line(t, t("Dates"), trip_dates_in_words(t, start, end)),
        field_line(t, t("Places"), places),
        field_line(t, t("Topic"), topic),
    ]
    if key_topic is not None:
        lines.append(field_line(t, t("Key research topic"), key_topic))
    return "\n".join(lines)


class TripForm(Form[TripLog]):
    kind = "trip"
    command = "trip"
    draft_type = TripLog
    fields = (
        Field("dates", N_("Dates"), N_("When was the trip? (e.g. 11月5日至8日, 上周三, Nov 5-8)")),
        Field("places", N_("Places"), N_("Where did you go? (e.g. 淳安县, 开化县、常山县)")),
        Field("topic", N_("Topic"), N_("What was the research about?")),
        Field(KEY_TOPIC, N_("Key research topic"), N_("Was this trip for one of your key research topics?"),
              columns=1),
    )

    def parse_message(self, text: str, ctx: FormContext) -> TripLog:
        draft = trips.parse_trip(text, now=ctx.now, lang=ctx.lang)
        # Once the member is answering questions anyway, one more (a tap) costs little.
        return TripLog(start=draft.start, end=draft.end, places=draft.places, topic=draft.topic,
                       days_apart=draft.days_apart, no_such_day=draft.no_such_day, ask_key_topic=bool(trips.missing_fields(draft)))

    def prepare(self, session: Session, draft: TripLog, ctx: FormContext) -> TripLog:
        """Every topic the member leads in a year a trip may be logged for: the dates, asked later, pick."""
        topics = trip_queries.key_topics_of_years(session, ctx.member.id, trips.loggable_years(ctx.today))
        return replace(draft, member_topics=tuple((topic.id, topic.title, topic.year) for topic in topics))

    def read_field(self, name: str, text: str, draft: TripLog, ctx: FormContext) -> TripLog | Rejected:
        t = ctx.t
        if name == "dates":
            dates = trips.parse_trip_dates(text, now=ctx.now, lang=ctx.lang)
            if dates is None and trips.days_apart(text, now=ctx.now):  # 11月5日、8日: two trips, not a typo
                return Rejected(t(DAYS_APART))
            return accepted(dates, lambda span: draft.with_dates(span[0], span[1]),
                            t("I could not read “{text}” as dates.").format(text=text[:40]))
        if name == "places":
            return accepted(trips.parse_places(text), lambda places: replace(draft, places=places),
                            t("Please type the places you visited."))
        if name == "topic":  # None for a bare 调研 too: it says nothing
            return accepted(trips.parse_topic(text) or None, lambda topic: replace(draft, topic=topic),
                            t("Please say what the research was about (e.g. 山区共富, rural revitalisation)."))
        return Rejected(t("Please choose with the buttons."))

    def choices(self, name: str, draft: TripLog, ctx: FormContext) -> tuple[Choice, ...]:
        if name != KEY_TOPIC:
            return super().choices(name, draft, ctx)
        return (*(Choice(str(key), _shorten(title), literal=True) for key, title in draft.key_topics()),
                Choice(NO_KEY_TOPIC, N_("None")))

    def choose(self, name: str, value: str, draft: TripLog, ctx: FormContext) -> TripLog | Rejected:
        if name != KEY_TOPIC:
            return self.read_field(name, value, draft, ctx)
        chosen = None if value == NO_KEY_TOPIC else int(value)
        return replace(draft, research_topic_id=chosen, key_topic_answered=True)

    def editable(self, draft: TripLog) -> tuple[Field, ...]:
        if draft.key_topics() or draft.research_topic_id is not None:
            return self.fields
        return tuple(f for f in self.fields if f.name != KEY_TOPIC)

    def problems(self, draft: TripLog, ctx: FormContext) -> tuple[TripLog, list[str]]:
        found = trips.trip_problems(draft, today=ctx.today)
        cleared = trips.without_problems(draft, found)
        reasons = said(ctx.t, _PROBLEMS, found)
        if TripProblem.END_BEFORE_START in found and draft.start is not None and draft.end is not None:
            # 11月8日至5日: ask about the likely reading rather than guess a 28-day trip
            reasons.append(ctx.t("Did you mean {span}? Please type the dates again.").format(
                span=span_in_words(ctx.t, draft.end, draft.start)))
        return cleared, reasons

    def missing(self, draft: TripLog) -> list[str]:
        missing = [str(name) for name in trips.missing_fields(draft)]
        if draft.ask_key_topic and draft.key_topics() and not draft.key_topic_answered:
            missing.append(KEY_TOPIC)
        return missing

    def card(self, draft: TripLog, ctx: FormContext) -> str:
        assert draft.start is not None and draft.end is not None
        return trip_card(ctx.t, draft.start, draft.end, draft.places or "", draft.topic or "",
                         draft.topic_title())

    def is_duplicate(self, session: Session, draft: TripLog, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        assert draft.start is not None and draft.end is not None and draft.places is not None
        return trip_queries.overlaps_same_places(session, member_id=ctx.member.id, start=draft.start,
                                                 end=draft.end, places=draft.places, excluding=excluding)

    def save(self, session: Session, draft: TripLog, ctx: FormContext) -> SavedReply:
        assert draft.start is not None and draft.end is not None
        assert draft.places is not None and draft.topic is not None
        topic_id = draft.research_topic_id
        if topic_id is not None and trip_queries.key_topic_for_trip(session, ctx.member.id, topic_id, start=draft.start,
                                                                    end=draft.end) is None:
            topic_id = None  # deleted meanwhile, another year's, or forged: the trip is kept without the link
        trip = trip_queries.log_trip(session, member=ctx.member, start=draft.start, end=draft.end,
                                     places=draft.places, topic=draft.topic, research_topic_id=topic_id,
                                     now=ctx.now)
        t = ctx.t
        button = InlineKeyboardButton(t("Add findings"), callback_data=form_start.build(form_start.Press(
            form_start.Action.FINDING, trip.id)))
        return SavedReply(t("Record the opinions and suggestions you heard now, or later with /findings."),
                          InlineKeyboardMarkup([[button]]))

    # --- /mine: the member's own trips, to correct or delete ---

    def records(self, session: Session, ctx: FormContext) -> list[RecordLine]:
        t = ctx.t
        found = trip_queries.own_trips(session, ctx.member.id)
        counts = trip_queries.finding_counts(session, [trip.id for trip in found])
        lines = []
        for trip in found:
            dates = short_span(t, trip.start_date, trip.end_date)
            summary = f"{t('Trip')} · {dates} · {trip.places} · {trip.topic}"
            total = counts.get(trip.id, (0, 0))[0]
            if total:
                summary += " · " + t.ngettext("{n} finding", "{n} findings", total).format(n=total)
            lines.append(RecordLine(self.kind, trip.id, trip.created_at, summary))
        return lines

    def record_draft(self, session: Session, record_id: int, ctx: FormContext) -> TripLog | None:
        trip = trip_queries.own_trip(session, ctx.member.id, record_id)
        if trip is None:
            return None
        years = {*trips.loggable_years(ctx.today), *trips.trip_years(trip.start_date, trip.end_date)}
        topics = [(topic.id, topic.title, topic.year)
                  for topic in trip_queries.key_topics_of_years(session, ctx.member.id, years)]
        linked = trip.research_topic_id
        if linked is not None and all(key != linked for key, _, _ in topics):  # deleted since, or another year's
            gone = trip_queries.topic_by_id(session, linked)
            if gone is not None:
                topics.insert(0, (gone.id, gone.title, gone.year))
        return TripLog(start=trip.start_date, end=trip.end_date, places=trip.places, topic=trip.topic,
                       research_topic_id=trip.research_topic_id, key_topic_answered=True, ask_key_topic=False,
                       member_topics=tuple(topics))

    def update(self, session: Session, record_id: int, draft: TripLog, ctx: FormContext) -> str:
        trip = trip_queries.own_trip(session, ctx.member.id, record_id)
        if trip is None:
            return ctx.t("That record is no longer there; nothing was changed.")
        assert draft.start is not None and draft.end is not None
        assert draft.places is not None and draft.topic is not None
        topic_id = draft.research_topic_id
        if topic_id is not None and topic_id != trip.research_topic_id and trip_queries.key_topic_for_trip(
                session, ctx.member.id, topic_id, start=draft.start, end=draft.end) is None:
            topic_id = trip.research_topic_id
        trip_queries.change_trip(session, trip, actor=ctx.member, start=draft.start, end=draft.end,
                                 places=draft.places, topic=draft.topic, research_topic_id=topic_id,
                                 now=ctx.now)
        return ctx.t("The change is kept in the audit log.")

    def delete(self, session: Session, record_id: int, ctx: FormContext) -> bool:
        """Deletes the trip with the findings raised on it (both kept in the audit log)."""
        trip = trip_queries.own_trip(session, ctx.member.id, record_id)
        return delete_own(session, trip, trip_queries.delete_trip, ctx)


def _shorten(title: str) -> str:
    return title if len(title) <= TITLE_ON_BUTTON else title[: TITLE_ON_BUTTON - 1] + "…"


register_form(TripForm())
