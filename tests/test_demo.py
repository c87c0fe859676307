"""`python bot.py demo` plays the scripted onboarding and prints it as a transcript."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_demo_prints_the_onboarding_transcript_and_exits_0(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bot.py"), "demo"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "李 主任 (500001) › /start" in lines
    assert any("欢迎张明！您已作为成员加入「省政府党组」" in line for line in lines)
    assert any("Language set to English" in line for line in lines)
    assert any("邀请码无效" in line for line in lines)
    assert any(line.startswith("[省政府党组工作群] Saima (edited) › ✅ 本群已绑定为「省政府党组」的赛马场") for line in lines)
    assert any(line.startswith("[省政府党组工作群] Saima › 🏇 赛马榜 · ") for line in lines)  # the monthly board
    assert any(line.startswith("[省政府党组工作群] Saima › [photo] ") for line in lines)  # and its chart
    assert any(line.startswith("[省政府党组工作群] Saima › 📋 每周小结 · 省政府党组") for line in lines)
    assert any("Saima → 李 主任 (500001) › 📋 每周小结" in line for line in lines)
    # a team starting mid-year: the office records a member's 任职日期 and her /me asks for July on
    assert any("已记录：王芳于2026年7月1日（星期三）任职" in line for line in lines)
    assert any("下基层调研 0/31 天" in line for line in lines)  # 60 × 184/365, not the whole year nor 4 Dec on
    # a month turning into a holiday: nothing on 元旦, the boards on the year's first working day
    assert "  clock → 2027-01-01 09:05 (New Year's Day: a day off, nothing is posted)" in lines
    assert any(line.startswith("[省政府党组工作群] Saima › 🏇 赛马榜 · 2026年度") for line in lines)
    # a sentence without a command is a log too
    assert "张 明 (500002) › 我前天去德清县调研了地理信息小镇" in lines and "                         地点：德清县" in lines
    # the year's turn: each member's 年度清单, the office confirms the targets, and 2026's ledger is written
    assert "Saima → 张 明 (500002) › 📋 2027 年度清单 · 张明" in lines
    assert "Saima (answer) → 李 主任 (500001) › ✅ 李主任已确认 2027 年度目标。" in lines
    assert "Saima → 李 主任 (500001) › [document 台账-省政府党组-2026.xlsx] 省政府党组 2026 年台账。" in lines
    (ledger,) = [line for line in lines if line.startswith("  ledger → ")]
    path = Path(ledger.removeprefix("  ledger → ").split(" (")[0])
    assert path.read_bytes().startswith(b"PK")  # an .xlsx (a zip)
    # the dashboard on loopback, with a link for the office and one for a member (signed with the demo's token)
    links = [line for line in lines if line.startswith("  as ") and "/app/#tgWebAppData=" in line]
    assert [line.split(" (")[0] for line in links] == ["  as the office", "  as a member"]
    assert all(line.split(": ", 1)[1].startswith("http://127.0.0.1:") for line in links)
    assert "  checked: the links open the dashboard for 李主任 (office), 张明 (member)" in lines
    # 年末有考评: the office grades and publishes; each member receives their own evaluation, and 张明's PDF is written
    assert "Saima (answer) → 李 主任 (500001) › 已发布：2 名成员将私下收到本人的考评结果。" in lines
    assert "Saima → 张 明 (500002) › 📊 2026 年度履职情况 · 张明" in lines
    assert "Saima → 王 芳 (500004) › 📊 2026 年度履职情况 · 王芳" in lines
    (evaluation,) = [line for line in lines if line.startswith("  evaluation → ")]
    assert Path(evaluation.removeprefix("  evaluation → ").split(" (")[0]).read_bytes().startswith(b"%PDF")
    assert "Traceback" not in done.stdout + done.stderr
