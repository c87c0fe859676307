"""Telegram-facing flows, one module per flow; `register` wires them all into the Application."""

from __future__ import annotations

from telegram.ext import Application

from handlers import (  # noqa: F401  (each log module registers its form with `forms`)
    admin_steps,
    audit_log,
    broadcast,
    errors,
    export,
    fallback,
    findings,
    forms,
    guard,
    help,
    holiday,
    invite,
    language,
    log_proposal,
    log_session,
    log_study,
    log_topic,
    log_trip,
    me,
    mine,
    nudges,
    onboarding,
    proposals,
    race,
    roster,
    targets,
    tasks,
    throttle,
    track,
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handlers(throttle.handlers(application))  # first of all: a flood is shed before any work
    application.add_handlers(guard.handlers())  # first: forged callback data never reaches a flow
    application.add_handlers(track.handlers())  # next: in groups, the race track answers first
    for module in (onboarding, forms, log_session, me, mine, findings, proposals, race, help, language, invite,
                   admin_steps, roster, targets, holiday, audit_log, export, nudges, tasks, broadcast):
        application.add_handlers(module.handlers())
    # Last in the group, so they only answer what no flow above took.
    application.add_handlers(fallback.handlers())
    application.add_error_handler(errors.on_error)  # type: ignore[arg-type]
