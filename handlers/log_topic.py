"""`/topic`: register a key research topic (重点调研课题) the member leads this year.

    /topic 山区26县高质量发展路径研究
    → 重点调研课题（2026年）
      题目：山区26县高质量发展路径研究                    [确认] [修改] [取消]

Confirmed, it counts towards the yearly "key research topic led" target, and /trip offers it as
the topic a trip serves.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from core.text import squeeze
from core.topics import TitleProblem, title_problem
from handlers.form_parts import accepted, delete_own
from handlers.forms import Field, Form, FormContext, RecordLine, Rejected, register_form
from locales import N_
from reports.words import field_line
from storage import trips as trip_queries


@dataclass(frozen=True)
class TopicDraft:
    """A key research topic (重点调研课题) the member leads: its title, and its year (None: this
    year)."""

    title: str | None = None
    year: int | None = None  # None: this year (a new topic)


class TopicForm(Form[TopicDraft]):
    kind = "topic"
    command = "topic"
    draft_type = TopicDraft
    fields = (Field("title", N_("Title"),
                    N_("What is the title of the key research topic you lead this year?")),)

    def parse_message(self, text: str, ctx: FormContext) -> TopicDraft:
        return TopicDraft(title=squeeze(text) or None)

    def read_field(self, name: str, text: str, draft: TopicDraft, ctx: FormContext) -> TopicDraft | Rejected:
        return accepted(squeeze(text) or None, lambda title: replace(draft, title=title),
                        ctx.t("Please type the topic's title."))

    def problems(self, draft: TopicDraft, ctx: FormContext) -> tuple[TopicDraft, list[str]]:
        if draft.title is None:
            return draft, []
        problem = title_problem(draft.title)
        if problem is TitleProblem.TOO_LONG:
            return replace(draft, title=None), [ctx.t("The title is too long (at most 200 characters).")]
        if problem is TitleProblem.TOO_SHORT:
            return replace(draft, title=None), [
                ctx.t("The title is too short; please give the topic's full title.")]
        return draft, []

    def missing(self, draft: TopicDraft) -> list[str]:
        return ["title"] if draft.title is None else []

    def card(self, draft: TopicDraft, ctx: FormContext) -> str:
        t = ctx.t
        return "\n".join([t("Key research topic ({year})").format(year=draft.year or ctx.today.year),
                          field_line(t, t("Title"), draft.title or ""),
                          field_line(t, t("Lead"), ctx.member.display_name)])

    def is_duplicate(self, session: Session, draft: TopicDraft, ctx: FormContext, *,
                     excluding: int | None = None) -> bool:
        assert draft.title is not None
        return trip_queries.leads_same_topic(session, member_id=ctx.member.id, year=draft.year or ctx.today.year,
                                             title=draft.title, excluding=excluding)

    def save(self, session: Session, draft: TopicDraft, ctx: FormContext) -> str:
        assert draft.title is not None
        trip_queries.add_key_topic(session, member=ctx.member, year=ctx.today.year, title=draft.title,
                                   now=ctx.now)
        return ctx.t("When you log a trip for it with /trip, choose it as the trip's key research topic.")

    # --- /mine: the member's own topics, to correct or delete ---

    def records(self, session: Session, ctx: FormContext) -> list[RecordLine]:
        t = ctx.t
        return [RecordLine(self.kind, topic.id, topic.created_at,
                           f"{t('Key research topic')} · {topic.year} · {topic.title}")
                for topic in trip_queries.own_topics(session, ctx.member.id)]

    def record_draft(self, session: Session, record_id: int, ctx: FormContext) -> TopicDraft | None:
        topic = trip_queries.own_key_topic(session, ctx.member.id, record_id)
        return None if topic is None else TopicDraft(title=topic.title, year=topic.year)

    def update(self, session: Session, record_id: int, draft: TopicDraft, ctx: FormContext) -> str:
        topic = trip_queries.own_key_topic(session, ctx.member.id, record_id)
        if topic is None:
            return ctx.t("That record is no longer there; nothing was changed.")
        assert draft.title is not None
        trip_queries.change_topic(session, topic, actor=ctx.member, title=draft.title, now=ctx.now)
        return ctx.t("The change is kept in the audit log.")

    def delete(self, session: Session, record_id: int, ctx: FormContext) -> bool:
        topic = trip_queries.own_key_topic(session, ctx.member.id, record_id)
        return delete_own(session, topic, trip_queries.delete_topic, ctx)


register_form(TopicForm())
