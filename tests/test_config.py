"""Config: the example file documents the defaults, and a bad file stops start-up naming the key."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from config import Config, ConfigError, load_config, parse_config

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"


def test_the_example_config_states_exactly_the_defaults() -> None:
    loaded = load_config(EXAMPLE, environ={})
    assert dataclasses.replace(loaded, source="x") == dataclasses.replace(Config(), source="x")


def test_the_defaults_follow_the_design() -> None:
    config = Config()
    assert config.team_defaults.timezone == "Asia/Shanghai"
    assert config.team_defaults.language == "zh"
    assert config.database.url == "sqlite:///data/saima.db"
    assert dataclasses.asdict(config.team_defaults.targets) == {
        "research_days": 60, "key_research_topics": 1, "collective_study": 6, "law_study": 4,
        "key_suggestions": 1, "key_proposals": 1,
    }
    assert (config.schedule.quiet_hours_start, config.schedule.quiet_hours_end) == ("22:00", "08:00")
    assert config.schedule.nudge_offsets_days == [7, 3, 1, 0]


def test_every_default_setting_is_documented_in_the_example() -> None:
    example = EXAMPLE.read_text(encoding="utf-8")

    def keys(obj: object) -> list[str]:
        found = []
        for field in dataclasses.fields(obj):  # type: ignore[arg-type]
            value = getattr(obj, field.name)
            if dataclasses.is_dataclass(value):
                found += keys(value)
            elif field.name != "source":
                found.append(field.name)
        return found

    missing = [k for k in keys(Config()) if f"\n{k} =" not in example]
    assert missing == []


def _webhook(**settings: object) -> dict[str, Any]:
    webhook = {"url": "https://bot.example.gov.cn/telegram", "secret_token": "s3cret_T-0k3n", **settings}
    return {"telegram": {"mode": "webhook", "webhook": webhook}}


def test_a_webhook_receives_on_the_path_of_its_public_url_unless_told_otherwise() -> None:
    config = parse_config(_webhook(), source="config.toml")
    assert config.telegram.webhook.effective_path == "/telegram"
    assert parse_config(_webhook(path="/hook"), source="config.toml").telegram.webhook.effective_path == "/hook"
    assert parse_config(_webhook(url="https://bot.example.gov.cn"), source="x").telegram.webhook.effective_path == "/"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"telegram": {"tokne": "1:a"}}, "unknown key 'telegram.tokne' (did you mean 'telegram.token'?)"),
        ({"databse": {}}, "unknown key 'databse' (did you mean 'database'?)"),
        ({"schedule": {"tick_seconds": "30"}}, "'schedule.tick_seconds' must be an integer, not str '30'"),
        ({"team_defaults": {"show_names_in_race": 1}}, "'team_defaults.show_names_in_race' must be true or false"),
        ({"schedule": {"nudge_offsets_days": [7, "3"]}}, "'schedule.nudge_offsets_days[1]' must be an integer"),
        ({"team_defaults": {"timezone": "Asia/Shangai"}}, "'team_defaults.timezone' is not a known timezone"),
        ({"team_defaults": {"language": "fr"}}, "'team_defaults.language' must be one of 'zh', 'en', not 'fr'"),
        ({"schedule": {"quiet_hours_start": "25:00"}}, "'schedule.quiet_hours_start' must be a time like '09:00'"),
        ({"schedule": {"weekly_summary_day": "mon"}}, "'schedule.weekly_summary_day' must be a weekday name"),
        ({"team_defaults": {"targets": {"research_days": -1}}}, "'team_defaults.targets.research_days' must not"),
        ({"telegram": "x"}, "'telegram' must be a table"),
        ({"telegram": {"mode": "webhook"}}, "'telegram.webhook.url' is required"),
        (_webhook(secret_token=""), "'telegram.webhook.secret_token' is required when telegram.mode = 'webhook'"),
        (_webhook(secret_token="has space"), "'telegram.webhook.secret_token' must be 1–256 characters"),
        (_webhook(url="http://bot.example.gov.cn/telegram"), "'telegram.webhook.url' must be a public https:// URL"),
        (_webhook(path="telegram"), "'telegram.webhook.path' must start with '/'"),
        (_webhook(path="/healthz"), "'telegram.webhook.path' cannot be /healthz"),
        (_webhook(port=70000), "'telegram.webhook.port' must be between 1 and 65535"),
        ({"pace": {"renudge_after_days": 3}}, "'pace.renudge_after_days' must be at least 7 (pace nudges and lagging"),
        ({"holidays": {"days_off": ["12月31日"]}}, "'holidays.days_off' must list dates like '2027-02-20'"),
        ({"holidays": {"working_days": ["2027-02-30"]}}, "'holidays.working_days' must list dates like"),
        ({"holidays": {"days_off": ["2027-02-20"], "working_days": ["2027-02-20"]}},
         "2027-02-20 is in both 'holidays.days_off' and 'holidays.working_days'"),
    ],
)
def test_a_bad_setting_is_refused_with_the_key_and_file_named(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(data, source="/etc/saima/config.toml")
    assert str(raised.value).startswith("/etc/saima/config.toml: ")
    assert message in str(raised.value)


def test_extra_days_off_and_working_days_for_every_team_come_from_the_holidays_section() -> None:
    assert Config().holidays.corrections() == {}
    config = parse_config({"holidays": {"days_off": ["2026-12-31"], "working_days": ["2027-02-20"]}}, source="x")
    assert config.holidays.corrections() == {date(2026, 12, 31): False, date(2027, 2, 20): True}


def test_a_file_that_is_not_toml_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[telegram\ntoken = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"{path}: not valid TOML"):
        load_config(path, environ={})


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[telegram]\ntoken = "1:file"\n[database]\nurl = "sqlite:///file.db"\n', encoding="utf-8")
    config = load_config(path, environ={
        "BOT_TOKEN": "2:env", "BOT_API_BASE_URL": "http://127.0.0.1:9000/bot", "DATABASE_URL": "sqlite:///env.db",
    })
    assert config.telegram.token == "2:env"
    assert config.telegram.base_url == "http://127.0.0.1:9000/bot"
    assert config.telegram.effective_base_file_url == "http://127.0.0.1:9000/file/bot"
    assert config.database.url == "sqlite:///env.db"


def test_no_config_file_means_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(environ={}).database.url == Config().database.url
