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
from handlers.forms import Field, Form, FormContext, Rejected, register_form
from locales import N_
from reports.words import field_line
from storage import trips as trip_queries

MAX_TITLE = 200
MIN_TITLE = 2


@dataclass(frozen=True)
class TopicDraft:
    title: str | None = None


class TopicForm(Form[TopicDraft]):
    kind = "topic"
    command = "topic"
    draft_type = TopicDraft
    fields = (Field("title", N_("Title"), N_("What is the title of the key research topic you lead this year?")),)

    def parse_message(self, text: str, ctx: FormContext) -> TopicDraft:
        return TopicDraft(title=squeeze(text) or None)

    def read_field(self, name: str, text: str, draft: TopicDraft, ctx: FormContext) -> TopicDraft | Rejected:
        title = squeeze(text)
        if not title:
            return Rejected(ctx.t("Please type the topic's title."))
        return replace(draft, title=title)

    def problems(self, draft: TopicDraft, ctx: FormContext) -> tuple[TopicDraft, list[str]]:
        if draft.title is None:
            return draft, []
        if len(draft.title) > MAX_TITLE:
            return replace(draft, title=None), [ctx.t("The title is too long (at most 200 characters).")]
        if len(draft.title) < MIN_TITLE:
            return replace(draft, title=None), [ctx.t("The title is too short; please give the topic's full title.")]
        return draft, []

    def missing(self, draft: TopicDraft) -> list[str]:
        return ["title"] if draft.title is None else []

    def card(self, draft: TopicDraft, ctx: FormContext) -> str:
        t = ctx.t
        return "\n".join([t("Key research topic ({year})").format(year=ctx.today.year),
                          field_line(t, t("Title"), draft.title or ""),
                          field_line(t, t("Lead"), ctx.member.display_name)])

    def is_duplicate(self, session: Session, draft: TopicDraft, ctx: FormContext) -> bool:
        assert draft.title is not None
        return trip_queries.leads_same_topic(session, member_id=ctx.member.id, year=ctx.today.year,
                                             title=draft.title)

    def save(self, session: Session, draft: TopicDraft, ctx: FormContext) -> str:
        assert draft.title is not None
        trip_queries.add_key_topic(session, member=ctx.member, year=ctx.today.year, title=draft.title, now=ctx.now)
        return ctx.t("When you log a trip for it with /trip, choose it as the trip's key research topic.")


register_form(TopicForm())
