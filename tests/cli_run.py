"""Runs the command line as a user would, for tests of its output on real provider files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence

from tests.paths import REPO_ROOT


def run_cli(
    *arguments: str, folders: dict[str, object], python_options: Sequence[str] = ()
) -> subprocess.CompletedProcess[bytes]:
    """``python [python_options] -m processors.entrypoints.cli <arguments>`` from the repository
    root, with the environment's ``PITCHSTREAM_`` variables replaced by ``folders`` (variable ->
    path)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PITCHSTREAM_")}
    env.update({variable: str(path) for variable, path in folders.items()})
    return subprocess.run(
        [sys.executable, *python_options, "-m", "processors.entrypoints.cli", *arguments],
        capture_output=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
    )
