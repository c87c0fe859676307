"""The bot as a real process (`python bot.py run|deliver`), for tests that SIGKILL or run two of it."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def subprocess_database_url(url: str, schema: str | None) -> str:
    """The test database as a URL another process can use (PostgreSQL's schema in `options`)."""
    return url if schema is None else f"{url}?options=-csearch_path%3D{schema}"


class BotProcess:
    def __init__(self, command: str, env: dict[str, str], cwd: Path, *, log: Path | None = None) -> None:
        """`log`: a file that receives the process's log (stderr), for tests that read what it said."""
        self.command = command
        self.log = log
        stderr = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115 — the child keeps it
        self.process = subprocess.Popen([sys.executable, str(ROOT / "bot.py"), command], env=env, cwd=cwd,
                                        stdout=subprocess.DEVNULL, stderr=stderr)
        if log is not None:
            stderr.close()  # type: ignore[union-attr]

    def said(self, text: str) -> bool:
        """Whether the process's log contains `text` (needs `log`)."""
        return self.log is not None and self.log.exists() and text in self.log.read_text(encoding="utf-8")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
