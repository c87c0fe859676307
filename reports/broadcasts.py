"""Broadcasts in words, in the reader's language: the message recipients see (with its 已阅 button), the
reminder, the admin's preview card, the delivery report and the list of scheduled broadcasts."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.broadcasts import WEEKDAYS, AudienceKind, Counts, Weekly
from core.callbacks import receipts
from locales import N_, Translator, translator
from reports.words import day_in_words, listed

WEEKDAY_NAMES = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
                 N_("Sunday"))


def message_text(t: Translator, *, text: str, sender: str) -> str:
    """What a recipient reads: who it is from, then the admin's text as typed."""
    return t("📢 Notice from {name}").format(name=sender) + "\n\n" + text


def read_button(t: Translator, broadcast_id: int, occurrence: int) -> list[list[list[str]]]:
    return [[[t("✅ Read"), receipts.build(receipts.Press(receipts.Action.READ, broadcast_id, occurrence))]]]


def payload(t: Translator, *, text: str, sender: str, file_id: str | None, file_kind: str | None,
            broadcast_id: int, occurrence: int, reminder: bool = False) -> dict[str, Any]:
    """The outbox payload of one recipient's message (or of a reminder to read it)."""
    body = message_text(t, text=text, sender=sender)
    if reminder:
        body = t("⏰ Reminder: please read this notice and press Read.") + "\n\n" + body
    result: dict[str, Any] = {"text": body, "parse_mode": None,
                              "buttons": read_button(t, broadcast_id, occurrence)}
    if file_id:
        result["file_id"], result["file_kind"] = file_id, file_kind
    return result


def weekly_in_words(t: Translator, weekly: Weekly) -> str:
    return t("every {weekday} at {time}").format(weekday=t(WEEKDAY_NAMES[weekly.weekday]), time=f"{weekly.at:%H:%M}")


def instant_in_words(t: Translator, when: datetime, tz: ZoneInfo) -> str:
    local = when.astimezone(tz)
    return f"{day_in_words(t, local.date())} {local:%H:%M}"


def when_in_words(t: Translator, *, send_at: datetime | None, recurrence: str | None, tz: ZoneInfo) -> str:
    if recurrence:
        return weekly_in_words(t, Weekly.decode(recurrence))
    if send_at is None:
        return t("now")
    return instant_in_words(t, send_at, tz)


def audience_in_words(t: Translator, audience: dict[str, Any]) -> str:
    kind = audience.get("kind")
    if kind == AudienceKind.ALL:
        return t("everyone in the team")
    if kind == AudienceKind.ROLE:
        return t("admins") if audience.get("role") == "admin" else t("members (not admins)")
    if kind == AudienceKind.BEHIND:
        return t("those behind pace")
    if kind == AudienceKind.OVERDUE:
        return t("those with overdue items")
    return t("picked members")


def names_line(t: Translator, names: list[str], *, limit: int = 30) -> str:
    shown = listed(t, names[:limit])
    if len(names) > limit:
        shown += " " + t.ngettext("and {n} more", "and {n} more", len(names) - limit).format(n=len(names) - limit)
    return shown


def preview_card(t: Translator, *, audience: dict[str, Any], names: list[str], unreachable: int,
                 send_at: datetime | None, recurrence: str | None, tz: ZoneInfo, file_kind: str | None) -> str:
    """Under the preview of the message itself: to whom, how many, and when."""
    lines = [t("Broadcast preview: the message above is exactly what each recipient will see, with a Read button.")]
    lines.append(t("To: {audience}").format(audience=audience_in_words(t, audience)))
    if names:
        lines.append(t.ngettext("{n} recipient: {names}", "{n} recipients: {names}", len(names)).format(
            n=len(names), names=names_line(t, names)))
    else:
        lines.append(t("Nobody matches this audience now."))
    if recurrence is None and unreachable:
        lines.append(t.ngettext("📵 {n} of them cannot be reached (blocked the bot or not joined yet).",
                                "📵 {n} of them cannot be reached (blocked the bot or not joined yet).",
                                unreachable).format(n=unreachable))
    if recurrence:
        lines.append(t("When: {when} (the audience is worked out again each time)").format(
            when=when_in_words(t, send_at=send_at, recurrence=recurrence, tz=tz)))
    else:
        lines.append(t("When: {when}").format(when=when_in_words(t, send_at=send_at, recurrence=None, tz=tz)))
    if file_kind == "photo":
        lines.append(t("With a photo."))
    elif file_kind == "document":
        lines.append(t("With a document."))
    lines += ["", t("Send it?")]
    return "\n".join(lines)


def report(t: Translator, *, text: str, counts: Counts, when: datetime, tz: ZoneInfo,
           occurrence: int, recurring: bool) -> str:
    """The sender's delivery report, edited in place as results and 已阅 presses come in."""
    title = " ".join(text.split())
    title = title if len(title) <= 30 else title[:29].rstrip() + "…"
    lines = [t("📊 Broadcast report: “{title}”").format(title=title)]
    if recurring:
        lines.append(t("Week {n}, sent {when}").format(n=occurrence + 1, when=instant_in_words(t, when, tz)))
    else:
        lines.append(t("Sent {when}").format(when=instant_in_words(t, when, tz)))
    lines.append(t.ngettext("{n} recipient", "{n} recipients", counts.recipients).format(n=counts.recipients))
    lines.append(t("✅ Delivered: {n}").format(n=counts.delivered))
    lines.append(t("👁 Read: {n}").format(n=counts.read))
    lines.append(t("📵 Unreachable: {n}").format(n=counts.unreachable))
    lines.append(t("❌ Failed: {n}").format(n=counts.failed))
    lines.append(t("⏳ Pending: {n}").format(n=counts.pending))
    return "\n".join(lines)


def report_buttons(t: Translator, *, occurrence_id: int, renudges: int, counts: Counts) -> list[list[list[str]]]:
    rows = []
    if counts.unread:
        rows.append([[t("🔔 Re-nudge unread ({n})").format(n=counts.unread), receipts.build(
            receipts.Press(receipts.Action.RENUDGE, occurrence_id, renudges))]])
    if counts.recipients - counts.read:
        rows.append([[t("Who has not read it?"), receipts.build(receipts.Press(receipts.Action.NOT_READ, occurrence_id))]])
    return rows


NOT_READ_WHY = {"unread": N_("not read yet"), "pending": N_("not delivered yet"), "unreachable": N_("unreachable"),
                "failed": N_("delivery failed")}


def not_read_list(t: Translator, rows: list[tuple[str, str]], *, limit: int = 150) -> str:
    """Who has not read it, and why (the message stays within Telegram's 4,096 characters)."""
    if not rows:
        return t("Everyone has read it.")
    lines = [t.ngettext("{n} has not read it:", "{n} have not read it:", len(rows)).format(n=len(rows))]
    lines += [f"· {name} — {t(NOT_READ_WHY[why])}" for name, why in rows[:limit]]
    if len(rows) > limit:
        lines.append(t.ngettext("and {n} more", "and {n} more", len(rows) - limit).format(n=len(rows) - limit))
    return "\n".join(lines)


def scheduled_line(t: Translator, *, index: int, text: str, audience: dict[str, Any], send_at: datetime | None,
                   recurrence: str | None, tz: ZoneInfo) -> str:
    title = " ".join(text.split())
    title = title if len(title) <= 40 else title[:39].rstrip() + "…"
    when = when_in_words(t, send_at=send_at, recurrence=recurrence, tz=tz)
    return f"{index}. {title}\n   " + t("{when} · to {audience}").format(when=when, audience=audience_in_words(t, audience))


def weekday_name(t: Translator, index: int) -> str:
    return t(WEEKDAY_NAMES[index % len(WEEKDAYS)])


def renderer(broadcast: Any, occurrence: int, *, sender: str, reminder: bool = False) -> Any:
    """A function giving each recipient their message in their own language (storage.broadcasts.Render)."""

    def render(member: Any) -> dict[str, Any]:
        return payload(translator(member.language), text=broadcast.text, sender=sender,
                       file_id=broadcast.file_id, file_kind=broadcast.file_kind, broadcast_id=broadcast.id,
                       occurrence=occurrence, reminder=reminder)

    return render
