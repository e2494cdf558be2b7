"""The README is executable: its marked blocks run verbatim, as a newcomer would run them.

In a copy of the checkout (the tracked and new files of this working tree; ``.venv`` linked,
``../shared`` beside it as in the real layout), with an empty home directory, no
``PITCHSTREAM_*`` or ``KAFKA_*`` settings but a ``PITCHSTREAM_API_TOKEN``, one bash shell runs
every block marked ``<!-- readme-test: ... -->`` in README.md (tests/readme_blocks.py says how
they are marked and compared). The first block starts the dev broker with
``make broker-start``; the last stops it. A command whose exit status or shown output differs
from the README fails the test, naming the README line.

Two deliberate differences from a bare newcomer's machine, both outside the README's text:
``PITCHSTREAM_CACHE_DIR`` points at the Kafka jars ``make test`` already resolved (so Maven does
not download them again into the empty home), and ``PITCHSTREAM_WEB_PORT`` is a free port (6066
may be taken on a shared machine; the README's commands use ``${PITCHSTREAM_WEB_PORT:-6066}``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from processors.devtools.devbroker.broker import cache_root
from processors.devtools.devbroker.broker import stop_pidfile
from tests.integration.harness import free_port
from tests.readme_blocks import Step
from tests.readme_blocks import bash_script
from tests.readme_blocks import parse_readme
from tests.readme_blocks import unmatched

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
TIMEOUT = 240.0  # seconds for the whole README; it takes about 90


def _checkout_copy(target: Path) -> Path:
    """The working tree's files (tracked and new, not ignored) under ``target/pitchstream``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    root = target / "pitchstream"
    for name in filter(None, listed):
        source = REPO / name.decode()
        if source.is_file():
            (root / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name.decode())
    (root / ".venv").symlink_to(REPO / ".venv")
    (target / "shared").symlink_to(SHARED)
    return root


def _newcomer_env(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PITCHSTREAM_", "KAFKA_", "SB_", "XDG_", "VIRTUAL_ENV", "MAKE"))
        and k not in ("MFLAGS", "PYTHONPATH")
    }
    env.update(
        HOME=str(home),
        PITCHSTREAM_API_TOKEN=secrets.token_hex(16),
        PITCHSTREAM_CACHE_DIR=str(cache_root()),  # the jars only; see the module docstring
        PITCHSTREAM_WEB_PORT=str(free_port()),
        LC_ALL="C.UTF-8",
    )
    return env


def _result(results: Path, number: int, suffix: str) -> str:
    try:
        return (results / f"{number}.{suffix}").read_text(errors="replace")
    except FileNotFoundError:
        return ""


def _describe(step: Step, out: str, err: str) -> str:
    return (
        f"README line {step.line}:\n{step.command}\n--- stdout ---\n{out[-3000:]}"
        f"\n--- stderr ---\n{err[-3000:]}"
    )


def test_every_marked_readme_block_runs_verbatim_with_the_output_it_shows(tmp_path):
    if shutil.which("kcat") is None:
        pytest.fail(
            "kcat is not installed, and the README's kcat commands must run: `make test` "
            "installs it (apt-get install kcat); or install kcat 1.7 yourself"
        )
    blocks = parse_readme((REPO / "README.md").read_text())
    names = [b.name for b in blocks]
    assert {"usage", "api", "cli", "kcat", "metrica", "backfill", "done"} <= set(names), names
    steps = [step for block in blocks for step in block.steps]
    home = tmp_path / "home"
    home.mkdir()
    checkout = _checkout_copy(tmp_path / "clone")
    results = tmp_path / "results"
    results.mkdir()
    script = tmp_path / "readme.sh"
    script.write_text(bash_script(steps, results))
    began = time.monotonic()
    shell = subprocess.Popen(
        ["bash", str(script)],
        cwd=checkout,
        env=_newcomer_env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        shell.wait(TIMEOUT)
    except subprocess.TimeoutExpired:
        hung = next(
            (
                i
                for i in range(len(steps))
                if (results / f"{i}.started").exists() and not (results / f"{i}.rc").exists()
            ),
            None,
        )
        detail = "" if hung is None else _describe(steps[hung], *_outputs(results, hung))
        pytest.fail(f"the README's commands did not finish in {TIMEOUT:.0f}s; hung at {detail}")
    finally:
        _stop_everything(shell, checkout)
    elapsed = time.monotonic() - began

    failures = []
    for number, step in enumerate(steps):
        out, err = _outputs(results, number)
        status = _result(results, number, "rc").strip()
        if status != str(step.exit_status):
            failures.append(
                f"exit status {status or 'none'} instead of {step.exit_status}: "
                + _describe(step, out, err)
            )
            continue
        missing = unmatched(step.expected, out, err)
        if missing:
            shown = "\n".join(f"# => {line}" for line in missing)
            failures.append(
                f"output shown in the README not printed:\n{shown}\nat " + _describe(step, out, err)
            )
    assert not failures, "\n\n".join(failures)
    worker_log = (checkout / "worker.log").read_text(errors="replace")
    assert "worker ready" in worker_log
    print(f"README: {len(steps)} commands in {len(blocks)} blocks ran as shown in {elapsed:.0f} s")


def _outputs(results: Path, number: int) -> tuple[str, str]:
    return _result(results, number, "out"), _result(results, number, "err")


def _stop_everything(shell: subprocess.Popen[bytes], checkout: Path) -> None:
    """Whatever the README started and did not stop (the worker, the broker), when it failed."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(shell.pid, sig)  # the shell's group: the worker it started with `&`
        except ProcessLookupError:
            break
        try:
            shell.wait(10)
        except subprocess.TimeoutExpired:
            continue
        time.sleep(0.5)  # let the group's other members end too
    stop_pidfile(checkout / ".broker", timeout=30)
