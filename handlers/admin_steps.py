"""The admin desk's typed steps (a leave period's dates, a target's number): one conversation flow.

The desk's cards (handlers/roster.py, handlers/targets.py) `begin` a step with the facts its answer needs
and register what answers it with `on_step`. The step waits in the conversation state
(handlers/conversation.py, user_data key `admin_step`, written through to the database), so it survives a
restart; the shared rules (handlers/steps.py) drop it on /cancel, on any other command and on another
flow's button. Each step re-checks the admin when the answer comes, before its answer sees it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from telegram import Message, Update

from handlers import conversation
from handlers.access import ADMINS_ONLY
from handlers.context import SaimaContext
from storage.models import Member


@dataclass
class DeskStep(conversation.State, Mapping[str, Any]):
    """A desk step: its name (`step`), the team it was begun in, and the facts its answer needs, read like
    a mapping (`step["member_id"]`). Kept flat in user_data, as before: {"step", "team_id", **facts}."""

    facts: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.facts[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.facts)

    def __len__(self) -> int:
        return len(self.facts)

    def dump(self) -> dict[str, Any]:
        return {"step": self.step, "team_id": self.team_id, **self.facts}

    @classmethod
    def load(cls, data: dict[str, Any]) -> DeskStep:
        facts = {k: v for k, v in data.items() if k not in ("step", "team_id")}
        return cls(step=str(data.get("step")), team_id=data.get("team_id"), facts=facts)


#: What answers a step: given the message typed, the admin (still an admin of the step's team), the step
#: and the text.
StepAnswer = Callable[[SaimaContext, Message, Member, DeskStep, str], Awaitable[None]]
_ANSWERS: dict[str, StepAnswer] = {}


def on_step(name: str) -> Callable[[StepAnswer], StepAnswer]:
    """Registers what answers a typed step called `name`."""

    def register(answer: StepAnswer) -> StepAnswer:
        _ANSWERS[name] = answer
        return answer

    return register


def begin(context: SaimaContext, step: str, *, team_id: int, **facts: Any) -> None:
    """Waits for the step's typed answer; the step belongs to `team_id`, the team it was started in."""
    context.conversation.begin(FLOW, DeskStep(step=step, team_id=team_id, facts=facts))


def end(context: SaimaContext) -> None:
    context.conversation.end(FLOW)


async def _office_member(update: Update, context: SaimaContext, step: DeskStep) -> Member | None:
    """The admin answering ``step``, still an active admin of the team it was begun in; else None, with the
    step ended and the sender told why (the roles may have changed since the question was asked)."""
    admin = context.member()
    if admin is None or not admin.role.is_admin or admin.team_id != step.team_id:
        end(context)
        if update.effective_message is not None:
            await update.effective_message.reply_text(context.t(ADMINS_ONLY))
        return None
    return admin


async def _answer(update: Update, context: SaimaContext, step: DeskStep, text: str) -> bool:
    """The typed answer, to the step's registered answer (which may ask again)."""
    answer = _ANSWERS.get(step.step)
    if answer is None:
        end(context)
        return False
    message = update.effective_message
    assert message is not None
    admin = await _office_member(update, context, step)
    if admin is not None:
        await answer(context, message, admin, step, text)
    return True


PREFIXES = ("mb:", "tg:")  # the desk's own buttons (the roster's, the targets') keep the step
FLOW = conversation.register(conversation.Flow(key="admin_step", state=DeskStep, prefixes=PREFIXES, answer=_answer))
