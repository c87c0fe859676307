"""Settings: the typed shape of `config.toml`, its defaults, and validation that names the bad key.

Precedence: built-in defaults < the TOML file < environment (`BOT_TOKEN`, `BOT_API_BASE_URL`,
`DATABASE_URL`). Every setting is documented with its default in `config.example.toml`.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_CONFIG_PATH = Path("config.toml")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class ConfigError(Exception):
    """A setting is missing, misspelt or of the wrong type; the message names the key and the file."""


@dataclass(frozen=True)
class WebhookSettings:
    """Webhook mode: where this instance listens, the public URL Telegram posts updates to, and the
    secret token they carry."""

    listen: str = "0.0.0.0"
    port: int = 8443
    url: str = ""
    path: str = ""
    secret_token: str = ""

    @property
    def effective_path(self) -> str:
        """The path served for updates: `path`, else the path of the public `url` (else "/")."""
        return self.path or urlsplit(self.url).path or "/"


@dataclass(frozen=True)
class TelegramSettings:
    """How the bot reaches Telegram: its token and @username, the Bot API server, polling or a webhook."""

    token: str = ""
    bot_username: str = ""
    base_url: str = ""
    base_file_url: str = ""
    mode: Literal["polling", "webhook"] = "polling"
    webhook: WebhookSettings = field(default_factory=WebhookSettings)
    read_timeout_seconds: float = 5.0  # how long a Bot API answer may take (PTB's default); tests shorten it

    @property
    def effective_base_file_url(self) -> str:
        """The file URL matching `base_url` (`…/bot` → `…/file/bot`) unless set explicitly."""
        if self.base_file_url or not self.base_url:
            return self.base_file_url
        root, _, suffix = self.base_url.rstrip("/").rpartition("/")
        return f"{root}/file/{suffix}"


@dataclass(frozen=True)
class DatabaseSettings:
    """The database: a SQLite file or a PostgreSQL URL (`DATABASE_URL` overrides it)."""

    url: str = "sqlite:///data/saima.db"


@dataclass(frozen=True)
class Targets:
    """Yearly targets per member (DESIGN.md, drawn from the seeds)."""

    research_days: int = 60
    key_research_topics: int = 1
    collective_study: int = 6
    law_study: int = 4
    key_suggestions: int = 1
    key_proposals: int = 1


@dataclass(frozen=True)
class TeamDefaults:
    """What a new team starts with (each team may change its own): time zone, language, names on race
    boards, and the yearly targets."""

    timezone: str = "Asia/Shanghai"
    language: Literal["zh", "en"] = "zh"
    show_names_in_race: bool = True
    targets: Targets = field(default_factory=Targets)


@dataclass(frozen=True)
class ScheduleSettings:
    """When things go out, in the team's time zone: the weekly summary, race boards, quiet hours,
    deadline nudges and their escalation, snooze options, and how often the scheduling tick runs."""

    weekly_summary_day: str = "monday"
    weekly_summary_time: str = "09:00"
    race_board_time: str = "09:00"
    quiet_hours_start: str = "22:00"
    quiet_hours_end: str = "08:00"
    nudge_offsets_days: list[int] = field(default_factory=lambda: [7, 3, 1, 0])
    overdue_repeat_days: int = 1
    escalate_after_days_overdue: int = 7
    snooze_options_days: list[int] = field(default_factory=lambda: [1, 3])
    tick_seconds: int = 30


@dataclass(frozen=True)
class DeliverySettings:
    """The outbox delivery loop (jobs/delivery.py)."""

    enabled: bool = True
    tick_seconds: float = 2.0
    batch_size: int = 200
    concurrency: int = 8
    private_chat_interval_seconds: float = 1.0
    max_attempts: int = 5
    backoff_base_seconds: float = 5.0
    backoff_max_seconds: float = 600.0
    lease_seconds: float = 120.0
    send_timeout_seconds: float = 20.0
    holidays: bool = True


@dataclass(frozen=True)
class HolidaySettings:
    """Corrections of China's calendar for every team (ISO dates, e.g. "2027-02-20"); a team's own
    corrections (`/holiday`) win over these."""

    days_off: list[str] = field(default_factory=list)
    working_days: list[str] = field(default_factory=list)

    def corrections(self) -> dict[date, bool]:
        """Day → whether it is a working day."""
        days = {date.fromisoformat(day): False for day in self.days_off}
        days.update({date.fromisoformat(day): True for day in self.working_days})
        return days


@dataclass(frozen=True)
class PaceSettings:
    """When a member is behind pace or lagging (a share of the yearly target), and how soon a pace nudge
    may be repeated (core/pace.py)."""

    behind_tolerance: float = 0.10
    lagging_threshold: float = 0.25
    renudge_after_days: int = 7


@dataclass(frozen=True)
class RaceWeights:
    """The race's score (core/race.py): the weight of each duty and of being on time, the points off per
    overdue item, and the stage at which a key research topic counts."""

    research_days: float = 30.0
    key_research_topics: float = 10.0
    collective_study: float = 15.0
    law_study: float = 10.0
    key_suggestions: float = 10.0
    key_proposals: float = 10.0
    on_time: float = 15.0
    overdue_penalty: float = 2.0
    # The stage at which a key research topic counts towards the yearly quota (core/topics.py): "牵头完成"
    # is the report by default; a team's office may choose another (`bot.py team topic-stage`).
    topic_counts_at: Literal["registered", "researching", "report", "outcome"] = "report"


@dataclass(frozen=True)
class ProposalSettings:
    """Reply deadlines for suggestions and proposals, in months: after assignment, and after 不满意."""

    reply_due_months: int = 3
    reopen_due_months: int = 1  # after an unsatisfied deputy (不满意) sends a reply back


@dataclass(frozen=True)
class InviteSettings:
    """Invite links: the days before they expire and the length of their codes."""

    expire_days: int = 14
    code_length: int = 10


@dataclass(frozen=True)
class ThrottleSettings:
    """Per-user load shedding before any work (handlers/throttle.py, core/throttle.py): a sender may
    send `*_burst` updates at once, then one more every `*_every_seconds`."""

    enabled: bool = True
    stranger_burst: int = 3  # someone in no team: a few answers, then one every few seconds
    stranger_every_seconds: float = 5.0
    member_burst: int = 10  # a member's messages; the first over it gets one "slow down"
    member_every_seconds: float = 1.0
    press_burst: int = 20  # a member's button presses, counted apart from their messages
    press_every_seconds: float = 0.5
    membership_cache_seconds: float = 60.0  # whether a sender is a member, remembered this long


@dataclass(frozen=True)
class LoggingSettings:
    """The level the bot logs at (to stderr)."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


@dataclass(frozen=True)
class WebappSettings:
    """The dashboard Mini App (webapp/): served when `public_url` (the https:// address that reaches
    `host:port`) is set, or in demo mode; `max_age`: how long Telegram's sign-in (initData) counts, in s."""

    public_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8080
    max_age: int = 86400


@dataclass(frozen=True)
class LookbackSettings:
    """回头看 (core/lookback.py): a closed item comes back this many months later (a team may set its own:
    `bot.py team lookback`); unanswered, a reminder after `remind_workdays` working days, then the office."""

    after_months: int = 3
    remind_workdays: int = 3


@dataclass(frozen=True)
class EvaluationSettings:
    """The year-end evaluation (年末有考评): the grades the office may give, best first."""

    grades: list[str] = field(default_factory=lambda: ["优秀", "称职", "基本称职", "不称职"])


@dataclass(frozen=True)
class Config:
    """Every setting, one field per table of `config.toml`, and ``source``: the file they were read from."""

    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    team_defaults: TeamDefaults = field(default_factory=TeamDefaults)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    holidays: HolidaySettings = field(default_factory=HolidaySettings)
    pace: PaceSettings = field(default_factory=PaceSettings)
    race: RaceWeights = field(default_factory=RaceWeights)
    proposals: ProposalSettings = field(default_factory=ProposalSettings)
    invites: InviteSettings = field(default_factory=InviteSettings)
    throttle: ThrottleSettings = field(default_factory=ThrottleSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    webapp: WebappSettings = field(default_factory=WebappSettings)
    lookback: LookbackSettings = field(default_factory=LookbackSettings)
    evaluation: EvaluationSettings = field(default_factory=EvaluationSettings)
    source: str = "<defaults>"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.team_defaults.timezone)


def load_config(path: Path | str | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Reads and validates the config file (optional when absent) and applies environment overrides."""
    environ = os.environ if environ is None else environ
    config_path = Path(path) if path is not None else Path(environ.get("SAIMA_CONFIG", DEFAULT_CONFIG_PATH))
    data: dict[str, Any] = {}
    if config_path.exists():
        try:
            data = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{config_path}: not valid TOML: {error}") from error
    elif path is not None:
        raise ConfigError(f"{config_path}: file not found")
    config = parse_config(data, source=str(config_path))
    return apply_environment(config, environ)


def parse_config(data: Mapping[str, Any], *, source: str) -> Config:
    """Builds a Config from parsed TOML, rejecting unknown keys, wrong types and bad values."""
    config: Config = _build(Config, data, prefix="", source=source)
    config = dataclasses.replace(config, source=source)
    _check_values(config, source)
    return config


def apply_environment(config: Config, environ: Mapping[str, str]) -> Config:
    telegram = config.telegram
    if environ.get("BOT_TOKEN"):
        telegram = dataclasses.replace(telegram, token=environ["BOT_TOKEN"])
    if environ.get("BOT_API_BASE_URL"):
        telegram = dataclasses.replace(telegram, base_url=environ["BOT_API_BASE_URL"])
    database = config.database
    if environ.get("DATABASE_URL"):
        database = dataclasses.replace(database, url=environ["DATABASE_URL"])
    config = dataclasses.replace(config, telegram=telegram, database=database)
    if environ.get("SAIMA_WEBAPP_PORT"):
        try:
            port = int(environ["SAIMA_WEBAPP_PORT"])
        except ValueError:
            raise ConfigError(f"SAIMA_WEBAPP_PORT must be a port number, not {environ['SAIMA_WEBAPP_PORT']!r}") from None
        _check_webapp(dataclasses.replace(config.webapp, port=port), "SAIMA_WEBAPP_PORT")
        config = dataclasses.replace(config, webapp=dataclasses.replace(config.webapp, port=port))
    return config


def _build(cls: type, data: Mapping[str, Any], *, prefix: str, source: str) -> Any:
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: '{prefix.rstrip('.')}' must be a table")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.name != "source"}
    for key in data:
        if key not in known:
            suggestion = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean '{prefix}{suggestion[0]}'?)" if suggestion else ""
            raise ConfigError(f"{source}: unknown key '{prefix}{key}'{hint}")
    values = {}
    for key, raw in data.items():
        values[key] = _coerce(hints[key], raw, key=f"{prefix}{key}", source=source)
    return cls(**values)


def _coerce(hint: Any, raw: Any, *, key: str, source: str) -> Any:
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, raw, prefix=f"{key}.", source=source)
    origin = typing.get_origin(hint)
    if origin is Literal:
        allowed = typing.get_args(hint)
        if raw not in allowed:
            choices = ", ".join(repr(a) for a in allowed)
            raise ConfigError(f"{source}: '{key}' must be one of {choices}, not {raw!r}")
        return raw
    if origin is list:
        (item_type,) = typing.get_args(hint)
        if not isinstance(raw, list):
            raise ConfigError(f"{source}: '{key}' must be a list, not {type(raw).__name__}")
        return [_coerce(item_type, item, key=f"{key}[{i}]", source=source) for i, item in enumerate(raw)]
    return _scalar(hint, raw, key=key, source=source)


def _scalar(hint: type, raw: Any, *, key: str, source: str) -> Any:
    # bool is a subclass of int in Python; TOML keeps them apart and so do we.
    ok = (
        isinstance(raw, bool)
        if hint is bool
        else isinstance(raw, hint) and not isinstance(raw, bool)
        if hint is int or hint is str
        else isinstance(raw, (int, float)) and not isinstance(raw, bool)
        if hint is float
        else False
    )
    if not ok:
        raise ConfigError(f"{source}: '{key}' must be {_type_name(hint)}, not {type(raw).__name__} {raw!r}")
    return float(raw) if hint is float else raw


def _type_name(hint: type) -> str:
    return {bool: "true or false", int: "an integer", float: "a number", str: "a string"}.get(
        hint, hint.__name__
    )


def _check_values(config: Config, source: str) -> None:
    try:
        ZoneInfo(config.team_defaults.timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(
            f"{source}: 'team_defaults.timezone' is not a known timezone: "
            f"{config.team_defaults.timezone!r} (e.g. 'Asia/Shanghai')"
        ) from error
    if not 1 <= config.lookback.after_months <= 24 or not 1 <= config.lookback.remind_workdays <= 30:
        raise ConfigError(f"{source}: 'lookback.after_months' must be 1–24 and 'lookback.remind_workdays' 1–30")
    schedule = config.schedule
    for name in ("weekly_summary_time", "race_board_time", "quiet_hours_start", "quiet_hours_end"):
        value = getattr(schedule, name)
        if not _HHMM.match(value):
            raise ConfigError(f"{source}: 'schedule.{name}' must be a time like '09:00', not {value!r}")
    if schedule.weekly_summary_day.lower() not in _WEEKDAYS:
        raise ConfigError(
            f"{source}: 'schedule.weekly_summary_day' must be a weekday name like 'monday', "
            f"not {schedule.weekly_summary_day!r}"
        )
    _require_positive(source, "schedule.tick_seconds", schedule.tick_seconds)
    delivery = config.delivery
    for name in ("tick_seconds", "batch_size", "concurrency", "max_attempts", "backoff_base_seconds",
                 "backoff_max_seconds", "lease_seconds", "send_timeout_seconds"):
        if getattr(delivery, name) <= 0:
            raise ConfigError(f"{source}: 'delivery.{name}' must be positive, not {getattr(delivery, name)}")
    if delivery.private_chat_interval_seconds < 0:
        raise ConfigError(f"{source}: 'delivery.private_chat_interval_seconds' must not be negative")
    if delivery.lease_seconds <= delivery.send_timeout_seconds:
        raise ConfigError(f"{source}: 'delivery.lease_seconds' must be longer than 'delivery.send_timeout_seconds'")
    throttle = config.throttle
    for name in ("stranger_burst", "stranger_every_seconds", "member_burst", "member_every_seconds", "press_burst",
                 "press_every_seconds"):
        if getattr(throttle, name) <= 0:
            raise ConfigError(f"{source}: 'throttle.{name}' must be positive, not {getattr(throttle, name)}")
    if throttle.membership_cache_seconds < 0:
        raise ConfigError(f"{source}: 'throttle.membership_cache_seconds' must not be negative")
    for name in ("days_off", "working_days"):
        for day in getattr(config.holidays, name):
            try:
                date.fromisoformat(day)
            except ValueError:
                raise ConfigError(f"{source}: 'holidays.{name}' must list dates like '2027-02-20', "
                                  f"not {day!r}") from None
    both = set(config.holidays.days_off) & set(config.holidays.working_days)
    if both:
        raise ConfigError(f"{source}: {sorted(both)[0]} is in both 'holidays.days_off' and "
                          "'holidays.working_days'")
    if config.pace.renudge_after_days < 7:  # the keys are a member's and an ISO week's: a week apart at least
        raise ConfigError(f"{source}: 'pace.renudge_after_days' must be at least 7 (pace nudges and lagging notes "
                          f"are weekly), not {config.pace.renudge_after_days}")
    _require_positive(source, "invites.expire_days", config.invites.expire_days)
    _require_positive(source, "proposals.reply_due_months", config.proposals.reply_due_months)
    _require_positive(source, "proposals.reopen_due_months", config.proposals.reopen_due_months)
    if not 6 <= config.invites.code_length <= 32:
        raise ConfigError(f"{source}: 'invites.code_length' must be between 6 and 32")
    for name, value in dataclasses.asdict(config.team_defaults.targets).items():
        if value < 0:
            raise ConfigError(f"{source}: 'team_defaults.targets.{name}' must not be negative")
    grades = config.evaluation.grades
    if not grades or len(set(grades)) != len(grades) or any(not g.strip() or len(g) > 16 for g in grades):
        raise ConfigError(f"{source}: 'evaluation.grades' must list distinct grades of 1 to 16 characters")
    if config.telegram.mode == "webhook":
        _check_webhook(config.telegram.webhook, source)
    _check_webapp(config.webapp, source)


def _check_webapp(webapp: WebappSettings, source: str) -> None:
    parts = urlsplit(webapp.public_url)
    if webapp.public_url and (parts.scheme != "https" or not parts.hostname):
        raise ConfigError(f"{source}: 'webapp.public_url' must be an https:// address (Telegram opens Mini Apps "
                          f"only over https), not {webapp.public_url!r}")
    if not 1 <= webapp.port <= 65535:
        raise ConfigError(f"{source}: 'webapp.port' must be between 1 and 65535, not {webapp.port}")
    if webapp.max_age <= 0:
        raise ConfigError(f"{source}: 'webapp.max_age' must be a positive number of seconds, not {webapp.max_age}")


def _check_webhook(webhook: WebhookSettings, source: str) -> None:
    if not webhook.url:
        raise ConfigError(f"{source}: 'telegram.webhook.url' is required when telegram.mode = 'webhook'")
    parts = urlsplit(webhook.url)
    if not parts.hostname or not (
        parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK)
    ):
        raise ConfigError(
            f"{source}: 'telegram.webhook.url' must be a public https:// URL "
            f"(http:// only on loopback, for tests), not {webhook.url!r}"
        )
    if not webhook.secret_token:
        raise ConfigError(
            f"{source}: 'telegram.webhook.secret_token' is required when telegram.mode = 'webhook' "
            "(1–256 characters: letters, digits, _ and -)"
        )
    if not _SECRET_TOKEN.match(webhook.secret_token):
        raise ConfigError(
            f"{source}: 'telegram.webhook.secret_token' must be 1–256 characters of letters, digits, _ and -"
        )
    if not 1 <= webhook.port <= 65535:
        raise ConfigError(f"{source}: 'telegram.webhook.port' must be between 1 and 65535, not {webhook.port}")
    if webhook.path and not webhook.path.startswith("/"):
        raise ConfigError(f"{source}: 'telegram.webhook.path' must start with '/', not {webhook.path!r}")
    if webhook.effective_path == "/healthz":
        raise ConfigError(f"{source}: 'telegram.webhook.path' cannot be /healthz (the health check's path)")


def _require_positive(source: str, key: str, value: int) -> None:
    if value <= 0:
        raise ConfigError(f"{source}: '{key}' must be a positive integer, not {value}")
