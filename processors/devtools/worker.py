"""The one way dev tools start a worker: ``pitchstream worker`` in its own process group,
configured by ``Settings.to_env()`` (used by the demo, the integration harness and bench)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from processors.settings import Settings

WORKER_COMMAND = (sys.executable, "-m", "processors.entrypoints.cli", "worker")


def worker_env(
    settings: Settings,
    *,
    inherit: Mapping[str, str] | None = None,
    provider_credentials: bool = True,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The inherited environment without our own variables, then ``settings.to_env()``;
    StatsBomb's ``SB_*`` credentials only when ``provider_credentials``."""
    inherited = os.environ if inherit is None else inherit
    own = ("PITCHSTREAM_", "KAFKA_") if provider_credentials else ("PITCHSTREAM_", "KAFKA_", "SB_")
    env = {k: v for k, v in inherited.items() if not k.startswith(own)}
    env.update(settings.to_env())
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def start_worker(
    settings: Settings,
    log: IO[bytes],
    *,
    provider_credentials: bool = True,
    extra_env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    """A worker writing its output to ``log``; stop it with ``stop_worker``."""
    return subprocess.Popen(
        WORKER_COMMAND,
        cwd=cwd,
        env=worker_env(settings, provider_credentials=provider_credentials, extra=extra_env),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_worker(process: subprocess.Popen[bytes], *, timeout: float = 30.0) -> None:
    """SIGTERM to its process group (the supervisor and the Faust child), SIGKILL if slow."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout)


def log_text(path: Path) -> str:
    """A worker's log so far ("" before it exists)."""
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
