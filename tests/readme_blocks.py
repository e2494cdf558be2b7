"""The README's marked shell blocks as a test's input: parsed, turned into one bash script,
and their shown output compared with what the commands really print.

In README.md a block is marked by an HTML comment on the line before its fence::

    <!-- readme-test: NAME -->           run in document order
    <!-- readme-test: NAME last -->      run after all the others (stopping what was started)

Inside a block, a command is a line (continued by a trailing ``\\`` or ``|``), followed by the
output the README shows for it, each line starting with ``# => ``. The output lines must
appear in the command's real stdout or stderr, in order (other lines may come between);
whitespace runs count as one space. In an output line:

* ``<word>`` (letters, digits, ``_``, ``-``, spaces) stands for any non-empty text: an id, a
  time, a port, a path;
* ``...`` stands for any text, also none; a line that is only ``...`` shows elided lines;
* ``(exit status N)`` is the command's exit status; without it, the status must be 0.

Other comment lines are for the reader. Nothing else is special: the commands run verbatim.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

MARKER = re.compile(r"^<!--\s*readme-test:\s*(?P<name>[\w-]+)(?P<options>[^>]*?)\s*-->\s*$")
FENCE = re.compile(r"^```(?P<info>.*)$")
OUTPUT = "# => "
EXIT = re.compile(r"^\(exit status (?P<code>\d+)\)$")
PLACEHOLDER = re.compile(r"<[A-Za-z][\w\- ]*>")


@dataclass
class Step:
    command: str
    expected: list[str] = field(default_factory=list)
    exit_status: int = 0
    line: int = 0  # README line number of the command, for messages


@dataclass
class Block:
    name: str
    options: tuple[str, ...]
    steps: list[Step]
    line: int

    @property
    def last(self) -> bool:
        return "last" in self.options


def parse_readme(text: str) -> list[Block]:
    """The marked blocks, in the order they run (document order, ``last`` ones at the end)."""
    lines = text.splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        marker = MARKER.match(lines[index].strip())
        index += 1
        if marker is None:
            continue
        if index >= len(lines) or not FENCE.match(lines[index]):
            raise ValueError(f"README line {index}: readme-test marker not followed by a fence")
        start = index + 1
        end = start
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        body = lines[start:end]
        blocks.append(
            Block(
                name=marker["name"],
                options=tuple(marker["options"].split()),
                steps=parse_steps(body, first_line=start + 1),
                line=start,
            )
        )
        index = end + 1
    return [b for b in blocks if not b.last] + [b for b in blocks if b.last]


def parse_steps(body: list[str], *, first_line: int = 1) -> list[Step]:
    steps: list[Step] = []
    pending: list[str] = []
    pending_line = 0
    for number, raw in enumerate(body, start=first_line):
        stripped = raw.strip()
        if stripped.startswith(OUTPUT.rstrip()) and (
            stripped == OUTPUT.rstrip() or stripped.startswith(OUTPUT)
        ):
            if pending or not steps:
                raise ValueError(f"README line {number}: shown output without a command before")
            shown = stripped[len(OUTPUT) :].strip()
            exit_status = EXIT.match(shown)
            if exit_status:
                steps[-1].exit_status = int(exit_status["code"])
            elif shown and shown != "...":
                steps[-1].expected.append(shown)
            continue
        if not pending and (not stripped or stripped.startswith("#")):
            continue  # a comment for the reader
        if not pending:
            pending_line = number
        pending.append(raw)
        code = _without_comment(raw).rstrip()
        if code.endswith("\\") or code.endswith("|"):
            continue
        steps.append(Step(command="\n".join(pending), line=pending_line))
        pending = []
    if pending:
        raise ValueError(f"README line {pending_line}: a command continues past its block")
    return steps


def _without_comment(line: str) -> str:
    """The shell code of a line without a trailing `` # comment`` (one without quotes)."""
    return re.sub(r"\s#[^'\"]*$", "", line)


def pattern_for(shown: str) -> re.Pattern[str]:
    """A shown output line as a regex over one real line (whitespace runs as one space)."""
    parts = re.split(r"(<[A-Za-z][\w\- ]*>|\.\.\.)", _squeeze(shown))
    regex = ""
    for part in parts:
        if part == "...":
            regex += ".*?"
        elif PLACEHOLDER.fullmatch(part):
            regex += ".+?"
        else:
            regex += re.escape(part)
    return re.compile(regex)


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def unmatched(expected: list[str], stdout: str, stderr: str) -> list[str]:
    """The shown lines not found, in order, in the real stdout or stderr ([] when all are)."""
    streams = [[_squeeze(x) for x in s.splitlines()] for s in (stdout, stderr)]
    cursors = [0, 0]
    missing = []
    for shown in expected:
        pattern = pattern_for(shown)
        for which, lines in enumerate(streams):
            found = next(
                (i for i in range(cursors[which], len(lines)) if pattern.fullmatch(lines[i])),
                None,
            )
            if found is not None:
                cursors[which] = found + 1
                break
        else:
            missing.append(shown)
    return missing


def bash_script(steps: list[Step], results: Path, skipped: frozenset[int] = frozenset()) -> str:
    """One bash script running ``steps`` in one shell (exports and ``&`` jobs carry on),
    each step's stdout, stderr and exit status into ``results/<n>.out|.err|.rc``."""
    out = ["set +e"]
    for number, step in enumerate(steps):
        base = shlex.quote(str(results / str(number)))
        if number in skipped:
            out.append(f"echo skipped > {base}.rc")
            continue
        out.append(f"echo started > {base}.started")
        out.append("{")
        out.append(step.command)
        out.append(f"}} > {base}.out 2> {base}.err < /dev/null")
        out.append(f"echo $? > {base}.rc")
    return "\n".join(out) + "\n"
