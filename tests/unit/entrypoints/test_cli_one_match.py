"""``pitchstream normalize`` / ``match-info`` of one StatsBomb match, run as a user runs them:
the payloads the worker publishes, one line per event, and one error line for a bad option."""

from __future__ import annotations

import orjson

from contracts.v1.match_event import match_event_payload
from processors.adapters.registry import build_repository
from processors.settings import Settings
from tests.cli_run import run_cli
from tests.paths import statsbomb_dir

MATCH = ("--source", "statsbomb", "--match-id", "3788741")
FOLDERS = {"PITCHSTREAM_STATSBOMB_DIR": statsbomb_dir()}


def test_normalize_prints_each_events_match_event_v1_payload_byte_for_byte():
    result = run_cli("normalize", *MATCH, folders=FOLDERS)
    assert result.returncode == 0, result.stderr.decode()
    repository = build_repository(Settings(statsbomb_dir=str(statsbomb_dir())), "statsbomb")
    assert repository is not None
    match = repository.get_match("3788741")
    expected = [orjson.dumps(match_event_payload(match, e, i)) for i, e in enumerate(match.events)]
    assert result.stdout.splitlines() == expected
    assert result.stderr.decode() == (
        "statsbomb:3788741: 3803 raw events read: 3803 events emitted, 0 lost\n"
    )


def test_a_kick_off_that_is_no_utc_time_is_one_error_line_and_exit_2():
    for command in ("normalize", "match-info"):
        result = run_cli(command, *MATCH, "--kick-off-utc", "nonsense", folders=FOLDERS)
        assert result.returncode == 2
        assert result.stdout == b""
        assert result.stderr.decode() == "error: kick_off_utc: 'nonsense' is not a valid time\n"


def test_a_kick_off_from_the_request_is_stamped_into_the_match_info():
    result = run_cli(
        "match-info", *MATCH, "--kick-off-utc", "2021-06-11T19:00:00Z", folders=FOLDERS
    )
    assert result.returncode == 0, result.stderr.decode()
    assert orjson.loads(result.stdout)["kick_off"]["utc"] == "2021-06-11T19:00:00Z"


def test_help_lists_every_command_and_a_commands_help_its_options():
    top = run_cli("--help", folders=FOLDERS).stdout.decode()
    for command in ("worker", "submit", "jobs", "topics", "normalize", "match-info"):
        assert f"    {command} " in top
    normalize = run_cli("normalize", "--help", folders=FOLDERS).stdout.decode()
    assert "--source {statsbomb,metrica,wyscout,statsperform}" in normalize
    assert "--format {pitchstream,cdf}" in normalize and "--kick-off-utc TIME" in normalize
    jobs_list = run_cli("jobs", "list", "--help", folders=FOLDERS).stdout.decode()
    assert "--status {" in jobs_list


def test_normalize_names_the_provider_values_it_kept_without_a_mapping():
    from tests.paths import wyscout_dir

    result = run_cli(
        "normalize", "--source", "wyscout", "--match-id", "2499773",
        folders={"PITCHSTREAM_WYSCOUT_DIR": wyscout_dir()},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stderr.decode().splitlines()
    assert lines[0] == "wyscout:2499773: 1770 raw events read: 1770 events emitted, 0 lost"
    assert lines[1].startswith(
        "wyscout:2499773: without a mapping (events kept): type 'Others on the ball/Touch' 95"
    )
