"""The executable README's rules: what a marked block is, and when shown output matches."""

from __future__ import annotations

from pathlib import Path

from tests.readme_blocks import bash_script
from tests.readme_blocks import parse_readme
from tests.readme_blocks import parse_steps
from tests.readme_blocks import unmatched

README = """
intro
<!-- readme-test: first -->
```bash
export A=1      # a comment
# a note for the reader
echo "$A" |
  cat
# => 1
false
# => (exit status 1)
```
<!-- readme-test: cleanup last -->
```bash
echo bye
```
```bash
echo not marked
```
<!-- readme-test: second -->
```bash
curl -s x \\
     -d y
# => {"job_id":<job id>,...}
```
"""


def test_marked_blocks_run_in_document_order_and_last_ones_at_the_end():
    blocks = parse_readme(README)
    assert [b.name for b in blocks] == ["first", "second", "cleanup"]
    assert all("not marked" not in s.command for b in blocks for s in b.steps)


def test_a_command_goes_on_after_a_pipe_or_a_backslash_and_takes_the_output_after_it():
    first, second, _ = parse_readme(README)
    assert [s.command.split()[0] for s in first.steps] == ["export", "echo", "false"]
    assert first.steps[1].command == 'echo "$A" |\n  cat'
    assert first.steps[1].expected == ["1"]
    assert first.steps[2].exit_status == 1 and first.steps[2].expected == []
    assert second.steps[0].command.count("\n") == 1


def test_shown_lines_must_appear_in_order_with_placeholders_for_volatile_parts():
    out = 'first-job\n{"job_id":"9f1c","status":"queued"}\n'
    assert unmatched(['{"job_id":<job id>,...}'], out, "") == []
    assert unmatched(["first-job", '{"job_id":<id>,"status":"queued"}'], out, "") == []
    assert unmatched(['{"job_id":<id>,"status":"queued"}', "first-job"], out, "") == ["first-job"]
    assert unmatched(['{"job_id":<id>,"status":"failed"}'], out, "") == [
        '{"job_id":<id>,"status":"failed"}'
    ]


def test_a_shown_line_matches_a_whole_real_line_from_either_stream():
    assert unmatched(["3803 events"], "", "[###] 3803 events emitted\n") == ["3803 events"]
    assert unmatched(["[###] 3803 events emitted"], "x\n", "[###]  3803 events emitted\n") == []


def test_a_placeholder_never_stands_for_nothing():
    assert unmatched(["127.0.0.1:<port>"], "127.0.0.1:\n", "") == ["127.0.0.1:<port>"]


def test_each_step_records_its_output_and_exit_status(tmp_path: Path):
    import subprocess

    steps = parse_steps(["export A=7", "echo $A", "# => 7", "(exit 3)"])
    script = tmp_path / "s.sh"
    script.write_text(bash_script(steps, tmp_path))
    subprocess.run(["bash", str(script)], check=True, cwd=tmp_path)
    assert (tmp_path / "1.out").read_text() == "7\n"
    assert (tmp_path / "2.rc").read_text().strip() == "3"
