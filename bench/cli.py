"""The command line, whole process: ``pitchstream --help``, and ``pitchstream normalize`` of one
StatsBomb match beside a kloppy script doing the same (``bench/kloppy_normalize.py``).

Each is a fresh process, timed from start to exit by the bench (interpreter start, imports,
reading the files, JSON lines written to a file on stdout); ``python -c pass`` beside them
shows what the interpreter's start alone costs on the machine then. The commands run one after
the other in each round, the order rotating from round to round, after untimed warm-up
rounds (which also leave the ``.pyc`` files written); medians with min-max. The lines each
process wrote are counted, so a command that printed nothing cannot look fast.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MATCH_ID = "3788741"
TARGET_OF_KLOPPY = 0.5  # normalize, whole process, at most half the kloppy script's time
TARGET_HELP_SECONDS = 0.15


def _pitchstream() -> list[str]:
    """The installed ``pitchstream`` console script, as a user runs it."""
    script = Path(sys.executable).parent / "pitchstream"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "processors.entrypoints.cli"]  # not installed: the module


def commands(statsbomb_dir: str, match_id: str = MATCH_ID) -> dict[str, list[str]]:
    data = Path(statsbomb_dir) / "data"
    files = [str(data / folder / f"{match_id}.json") for folder in ("events", "lineups")]
    pitchstream = _pitchstream()
    return {
        "python": [sys.executable, "-c", "pass"],  # the floor: the interpreter's own start
        "help": [*pitchstream, "--help"],
        "normalize": [*pitchstream, "normalize", "--source", "statsbomb", "--match-id", match_id],
        "kloppy": [sys.executable, str(Path(__file__).with_name("kloppy_normalize.py")), *files],
    }


def _run(argv: list[str], env: dict[str, str], out: Path) -> tuple[float, int]:
    """Seconds from start to exit, and the lines written on stdout."""
    with out.open("wb") as stdout:
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, stdout=stdout, stderr=subprocess.PIPE, check=False)
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()}")
    with out.open("rb") as written:
        return seconds, sum(1 for _ in written)


def _spread(seconds: list[float]) -> dict[str, float]:
    return {"median": statistics.median(seconds), "min": min(seconds), "max": max(seconds)}


def bench_cli(statsbomb_dir: str, *, repeats: int, warmup: int) -> dict[str, Any]:
    """Whole-process seconds of ``--help``, ``normalize`` and the kloppy script, interleaved."""
    argvs = commands(statsbomb_dir)
    env = {**os.environ, "PITCHSTREAM_STATSBOMB_DIR": statsbomb_dir}
    names = list(argvs)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    lines: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="pitchstream-bench-cli-") as tmp:
        out = Path(tmp) / "stdout"
        for round_ in range(warmup + repeats):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                took, lines[name] = _run(argvs[name], env, out)
                if round_ >= warmup:
                    seconds[name].append(took)
    return {
        "match": MATCH_ID,
        "seconds": {name: _spread(values) for name, values in seconds.items()},
        "lines": lines,
        "runs": repeats,
    }


def _ms(spread: dict[str, float]) -> str:
    low, high = spread["min"] * 1000, spread["max"] * 1000
    return f"{spread['median'] * 1000:,.0f} ({low:,.0f}-{high:,.0f})"


def render_rows(results: dict[str, Any]) -> list[str]:
    """The table's section for the command line (none in results from before it)."""
    cli = results.get("cli")
    if not cli:
        return []
    seconds, lines = cli["seconds"], cli["lines"]
    return [
        "",
        f"1b. Command line, whole process (fresh process each run, {cli['runs']} runs, "
        "interleaved; JSON lines to a file on stdout)",
        "| command | lines out | wall ms |",
        "| --- | ---: | ---: |",
        f"| `python -c pass` (the interpreter's own start: the floor) | - | "
        f"{_ms(seconds['python'])} |",
        f"| `pitchstream --help` | - | {_ms(seconds['help'])} |",
        f"| `pitchstream normalize --source statsbomb --match-id {cli['match']}` | "
        f"{lines['normalize']:,} | {_ms(seconds['normalize'])} |",
        f"| kloppy script, same files (`python bench/kloppy_normalize.py ...`) | "
        f"{lines['kloppy']:,} | {_ms(seconds['kloppy'])} |",
    ]


def target_rows(results: dict[str, Any]) -> list[dict[str, str]]:
    cli = results.get("cli")
    if not cli:
        return []
    ours, kloppy = cli["seconds"]["normalize"]["median"], cli["seconds"]["kloppy"]["median"]
    help_s = cli["seconds"]["help"]["median"]
    return [
        {
            "name": "CLI normalize whole process <= 0.5x kloppy script (StatsBomb "
            f"{cli['match']}, medians)",
            "measured": f"{ours / kloppy:.2f}x ({ours:.3f} s vs {kloppy:.3f} s)",
            "verdict": "met" if ours <= TARGET_OF_KLOPPY * kloppy else "MISSED",
        },
        {
            "name": "`pitchstream --help` < 0.15 s (whole process, median)",
            "measured": f"{help_s:.3f} s",
            "verdict": "met" if help_s < TARGET_HELP_SECONDS else "MISSED",
        },
    ]


def main() -> None:
    """The command-line rows alone: ``python -m bench.cli [REPEATS]``."""
    from processors.settings import Settings

    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    results = {"cli": bench_cli(Settings.from_env().statsbomb_dir, repeats=repeats, warmup=1)}
    print("\n".join(render_rows(results)))
    for row in target_rows(results):
        print(f"| {row['name']} | {row['measured']} | {row['verdict']} |")


if __name__ == "__main__":
    main()
