"""The command list: who may use which command, and the menus Telegram shows (setMyCommands)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    MenuButtonWebApp,
    WebAppInfo,
)
from telegram.error import TelegramError

from core.domain import Role
from locales import N_, SUPPORTED, translator


@dataclass(frozen=True)
class Command:
    """One command of the list: its name, its description (a message id), who may use it, and whether
    the menu shows it."""

    name: str
    description: str  # a message id, translated when shown
    admin_only: bool = False
    members_only: bool = False
    in_menu: bool = True


COMMANDS: tuple[Command, ...] = (
    Command("help", N_("What this bot does and the commands you can use")),
    Command("me", N_("Your progress this year and your open items"), members_only=True),
    Command("study", N_("Log a study session"), members_only=True),
    Command("trip", N_("Log a grassroots research trip"), members_only=True),
    Command("findings", N_("Findings from your research trips and their follow-up"), members_only=True),
    Command("topic", N_("Register a key research topic you lead"), members_only=True),
    Command("topics", N_("Your key research topics: stage, report, outcome"), members_only=True),
    Command("proposal", N_("Log a suggestion or proposal you lead"), members_only=True),
    Command("proposals", N_("Your suggestions and proposals: progress and next steps"), members_only=True),
    Command("log", N_("Log a duty the team added (接访下访, 第一议题 …)"), members_only=True),
    Command("mine", N_("Your records: edit or delete"), members_only=True),
    Command("rank", N_("The race board: this month, /rank quarter or /rank year"), members_only=True),
    Command("done", N_("Report a supervised task done"), members_only=True),
    Command("evaluate", N_("The year-end evaluation (年末考评): yours, or the team's for the office"), members_only=True),
    Command("join", N_("Join your team with an invite code")),
    Command("lang", N_("Switch language: /lang zh or /lang en")),
    Command("cancel", N_("Stop what you are doing")),
    Command("session", N_("Record a team study session and tick attendance"), admin_only=True),
    Command("invite", N_("Create an invite link for new members"), admin_only=True),
    Command("members", N_("The team: roles, pace, leave, invite links"), admin_only=True),
    Command("targets", N_("The team's yearly targets and members' own targets"), admin_only=True),
    Command("duty", N_("The team's own duties beyond the six: add, change or retire"), admin_only=True),
    Command("holiday", N_("The team's own days off and working days (on top of China's holidays)"),
            admin_only=True),
    Command("audit", N_("Who changed what and when"), admin_only=True),
    Command("export", N_("The ledger (台账) as an Excel workbook"), admin_only=True),
    Command("summary", N_("The last seven days: logs, progress, deadlines, who is behind pace"), admin_only=True),
    Command("broadcast", N_("Send a notice to the team, now, later or weekly, with read receipts"), admin_only=True),
    Command("broadcasts", N_("Scheduled and weekly broadcasts: see or cancel"), admin_only=True),
    Command("task", N_("Assign a supervised task (督办事项)"), admin_only=True),
    Command("tasks", N_("Open supervised tasks: each assignee's progress, close or return"), admin_only=True),
    Command("track", N_("The team's group (race track): names or ranks on its boards, unlink"), admin_only=True),
    Command("start", N_("Start, or open an invite link"), in_menu=False),
)


def for_role(role: Role | None) -> list[Command]:
    """Commands a user may use: strangers see how to join, members their commands, admins all."""
    may_admin = role is not None and role.is_admin
    return [c for c in COMMANDS if (may_admin or not c.admin_only) and (role is not None or not c.members_only)]


def menu(role: Role | None, lang: str) -> list[BotCommand]:
    t = translator(lang)
    return [BotCommand(c.name, t(c.description)) for c in for_role(role) if c.in_menu]


async def publish_default_menus(bot: Bot, dashboard_url: str = "") -> None:
    """The menu before joining: Chinese by default, English for English-language Telegram apps; with
    `[webapp] public_url`, every private chat's menu button opens the dashboard.

    Members get their own menu (their role's commands, in their language) when they join. The calls are
    independent of one another, so they go at once: the start waits one round trip, not one per call.
    """
    calls: list[Awaitable[bool]] = [bot.set_my_commands(menu(None, "zh"), scope=BotCommandScopeDefault())]
    calls += [bot.set_my_commands(menu(None, lang), scope=BotCommandScopeDefault(), language_code=lang)
              for lang in SUPPORTED]
    if dashboard_url:
        calls.append(bot.set_chat_menu_button(menu_button=dashboard_button(dashboard_url, "zh")))
    await asyncio.gather(*calls)


DASHBOARD = N_("Dashboard")


def dashboard_button(dashboard_url: str, lang: str) -> MenuButtonWebApp:
    """The menu button that opens the dashboard Mini App (webapp/) at `public_url`/app/."""
    return MenuButtonWebApp(translator(lang)(DASHBOARD), WebAppInfo(dashboard_url.rstrip("/") + "/app/"))


async def publish_chat_menu(bot: Bot, chat_id: int, role: Role | None, lang: str, dashboard_url: str = "") -> None:
    """One member's private menu, in the language they chose and with their role's commands (None: no longer a
    member of any team, a stranger's); the menu button opens the dashboard (in their language) when
    `[webapp] public_url` is set."""
    try:
        await bot.set_my_commands(menu(role, lang), scope=BotCommandScopeChat(chat_id))
        if dashboard_url:
            await bot.set_chat_menu_button(chat_id=chat_id, menu_button=dashboard_button(dashboard_url, lang))
    except TelegramError:
        # A menu is a convenience; failing to set it must not spoil the reply it accompanies.
        pass
