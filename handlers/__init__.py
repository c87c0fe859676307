"""Telegram-facing flows, one module per flow; `register` wires them all into the Application."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (  # noqa: F401  (each log module registers its form with `forms`)
    admin_steps,
    audit_log,
    broadcast,
    duties,
    errors,
    evaluation,
    export,
    fallback,
    findings,
    forms,
    guard,
    help,
    holiday,
    invite,
    language,
    log_any,
    log_duty,
    log_proposal,
    log_session,
    log_study,
    log_topic,
    log_trip,
    lookback,
    me,
    mine,
    nudges,
    onboarding,
    proposals,
    race,
    roster,
    steps,
    targets,
    task_requests,
    tasks,
    throttle,
    topics,
    track,
)
from handlers.groups import Group

# The flows of the private chat, in the order they are offered an update (within Group.FLOWS the first
# matching handler takes it). A new flow: its module here, once; a flow that waits for typed answers also
# registers its `conversation.Flow` in its module (handlers/conversation.py).
FLOWS = (onboarding, forms, log_session, me, mine, findings, proposals, race, help, language, invite,
         roster, targets, duties, holiday, audit_log, export, nudges, tasks, broadcast, task_requests, lookback,
         evaluation, log_duty, log_any, topics)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Every handler, in its group (handlers/groups.py): the one place that orders them."""
    application.add_handlers(throttle.handlers(application), group=Group.THROTTLE)  # a flood is shed first
    application.add_handlers(guard.handlers(), group=Group.GUARD)  # forged callback data never reaches a flow
    application.add_handlers(steps.handlers(), group=Group.STEPS)  # a waiting step takes its answer first
    application.add_handlers(track.handlers(), group=Group.FLOWS)  # in groups, the race track answers first
    for module in FLOWS:
        application.add_handlers(module.handlers(), group=Group.FLOWS)
    # Last in the group, so they only answer what no flow above took.
    application.add_handlers(fallback.handlers(), group=Group.FLOWS)
    application.add_error_handler(errors.on_error)
