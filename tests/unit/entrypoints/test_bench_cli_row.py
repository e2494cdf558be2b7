"""The command-line row of ``make bench`` (bench/cli.py): its verdicts and its table."""

from __future__ import annotations

from bench.cli import commands
from bench.cli import render_rows
from bench.cli import target_rows


def results(normalize: float, kloppy: float, help_s: float) -> dict:
    def spread(seconds: float) -> dict[str, float]:
        return {"median": seconds, "min": seconds, "max": seconds}

    return {
        "cli": {
            "match": "3788741",
            "seconds": {
                "python": spread(0.02),
                "help": spread(help_s),
                "normalize": spread(normalize),
                "kloppy": spread(kloppy),
            },
            "lines": {"python": 0, "help": 40, "normalize": 3803, "kloppy": 3911},
            "runs": 5,
        }
    }


def test_the_verdicts_are_the_issues_targets():
    met = target_rows(results(normalize=0.30, kloppy=0.60, help_s=0.149))
    assert [row["verdict"] for row in met] == ["met", "met"]
    assert met[0]["measured"] == "0.50x (0.300 s vs 0.600 s)"
    missed = target_rows(results(normalize=0.31, kloppy=0.60, help_s=0.15))
    assert [row["verdict"] for row in missed] == ["MISSED", "MISSED"]


def test_the_rows_show_medians_with_min_max_and_the_lines_written():
    table = "\n".join(render_rows(results(normalize=0.25, kloppy=0.64, help_s=0.045)))
    assert "| `pitchstream --help` | - | 45 (45-45) |" in table
    assert "| 3,803 | 250 (250-250) |" in table and "| 3,911 | 640 (640-640) |" in table


def test_results_from_before_the_row_have_none():
    assert render_rows({}) == [] and target_rows({}) == []


def test_the_kloppy_script_reads_the_same_match_files_as_our_command():
    argvs = commands("/data/statsbomb-open-data", "15946")
    assert argvs["normalize"][-4:] == ["--source", "statsbomb", "--match-id", "15946"]
    assert argvs["kloppy"][-2:] == [
        "/data/statsbomb-open-data/data/events/15946.json",
        "/data/statsbomb-open-data/data/lineups/15946.json",
    ]
