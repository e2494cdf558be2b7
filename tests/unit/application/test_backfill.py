"""Backfills without Kafka: listing, child ids, the parent's aggregate, skipping unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import jsonschema
import orjson
import pytest

from contracts import ContractError
from contracts.schemas import V1_DIR
from contracts.v1 import IngestRequest
from contracts.v1 import JobState
from contracts.v1 import JobStatus
from contracts.v1 import decode_ingest_request
from contracts.v1 import decode_job_state
from contracts.v1 import encode_ingest_request
from contracts.v1.job_state import job_state_to_dict
from processors.adapters.kafka.versions import decode_version
from processors.adapters.kafka.versions import encode_version
from processors.adapters.metrica import LocalStore
from processors.adapters.metrica import MetricaRepository
from processors.adapters.metrica.loaders import game_version
from processors.adapters.statsbomb import OpenDataMirror
from processors.adapters.statsbomb import StatsBombRepository
from processors.application.backfill import ListedMatch
from processors.application.backfill import child_job_id
from processors.application.backfill import child_requests
from processors.application.backfill import list_matches
from processors.application.backfill import skip_reason
from processors.application.job_states import fold_child
from processors.application.job_states import is_parent_notice
from processors.application.job_states import parent_running
from processors.application.ports import VersionRecord
from processors.entrypoints.cli import progress_text
from processors.entrypoints.progress import children_progress_text
from tests.fakes import PARTITIONS
from tests.fakes import InMemoryWorker
from tests.fakes import fake_partitioner
from tests.unit.samples import synthetic_match

TRACE = "0af7651916cd43dd8448eb211c80319c"
NOW = "2026-01-01T00:00:00.000Z"


def season(job_id: str = "season-1", **extra: object) -> IngestRequest:
    values: dict = dict(job_id=job_id, source="statsbomb", competition_id=55, season_id=43)
    values.update(extra)
    return IngestRequest(**values)


# -- the contract ----------------------------------------------------------------------------


def test_a_season_request_decodes_as_a_backfill():
    request = decode_ingest_request(
        b'{"job_id": "s1", "source": "statsbomb", "competition_id": 55, "season_id": 43}'
    )
    assert request.is_backfill
    assert (request.competition_id, request.season_id, request.force) == (55, 43, False)
    assert decode_ingest_request(encode_ingest_request(request)) == request
    assert not decode_ingest_request(
        b'{"job_id": "s1", "source": "statsbomb", "match_id": "1"}'
    ).is_backfill


@pytest.mark.parametrize(
    "body, words",
    [
        ({"match_id": "1", "competition_id": 55, "season_id": 43}, "not more than one"),
        ({"competition_id": 55}, "give both"),
        ({"season_id": 43}, "give both"),
        ({"source": "metrica", "competition_id": 1, "season_id": 2}, "use all_matches"),
        ({"all_matches": True}, "metrica, wyscout, statsperform only"),
        ({"source": "metrica", "all_matches": True, "match_id": "g"}, "not more than one"),
        ({"source": "metrica"}, "match_id: required"),
        ({"competition_id": 55, "season_id": 43, "parent_job_id": "p"}, "child request"),
        ({"competition_id": "55", "season_id": 43}, "competition_id: expected an integer"),
    ],
)
def test_a_request_must_name_exactly_one_scope(body, words):
    payload = {"job_id": "j1", "source": "statsbomb", **body}
    with pytest.raises(ContractError, match=words):
        decode_ingest_request(orjson.dumps(payload))


def test_the_schema_accepts_one_scope_and_refuses_two():
    schema = orjson.loads((V1_DIR / "ingest-request.schema.json").read_bytes())
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid(
        {"job_id": "j", "source": "statsbomb", "competition_id": 55, "season_id": 43}
    )
    assert validator.is_valid({"job_id": "j", "source": "metrica", "all_matches": True})
    for source in ("wyscout", "statsperform"):
        assert validator.is_valid({"job_id": "j", "source": source, "all_matches": True})
        assert validator.is_valid({"job_id": "j", "source": source, "match_id": "m1"})
        assert decode_ingest_request(
            orjson.dumps({"job_id": "j", "source": source, "all_matches": True})
        ).all_matches
    assert not validator.is_valid({"job_id": "j", "source": "statsbomb", "all_matches": True})
    assert validator.is_valid(orjson.loads(encode_ingest_request(season())))
    child = child_requests(season(), [ListedMatch("3788741", "v1")])[0]
    assert validator.is_valid(orjson.loads(encode_ingest_request(child)))
    assert not validator.is_valid(
        {"job_id": "j", "source": "statsbomb", "match_id": "1", "competition_id": 1, "season_id": 2}
    )
    assert not validator.is_valid({"job_id": "j", "source": "statsbomb"})
    assert not validator.is_valid({"job_id": "j", "source": "statsbomb", "all_matches": True})


# -- listing ---------------------------------------------------------------------------------


def synthetic_mirror(root: Path, match_ids: list[int], *, last_updated: str = "2021-11-11") -> Path:
    entry = {
        "home_team": {"home_team_id": 1, "home_team_name": "Home"},
        "away_team": {"away_team_id": 2, "away_team_name": "Away"},
    }
    entries = [{"match_id": m, "last_updated": last_updated, **entry} for m in match_ids]
    folder = root / "data" / "matches" / "55"
    folder.mkdir(parents=True)
    (folder / "43.json").write_bytes(orjson.dumps(entries))
    return root


def test_a_statsbomb_season_is_listed_from_the_mirrors_matches_file(tmp_path):
    root = synthetic_mirror(tmp_path, [11, 12, 11, 13])
    repositories = {"statsbomb": StatsBombRepository(OpenDataMirror(root))}
    listed = list_matches(repositories, season())
    assert [m.match_id for m in listed] == ["11", "12", "13"]
    assert {m.version for m in listed} == {"last_updated:2021-11-11"}


def test_an_unknown_season_is_not_found(tmp_path):
    repositories = {
        "statsbomb": StatsBombRepository(OpenDataMirror(synthetic_mirror(tmp_path, [1])))
    }
    with pytest.raises(Exception, match="competition 55 season 44 not found") as caught:
        list_matches(repositories, season(season_id=44))
    assert caught.value.code == "match_not_found"


def test_every_metrica_game_folder_inside_the_root_is_listed(tmp_path):
    root = tmp_path / "games"
    for name, file in (("G1", "G1_RawEventsData.csv"), ("G2", "G2_events.json")):
        (root / name).mkdir(parents=True)
        (root / name / file).write_text("x")
    (root / "empty").mkdir()
    (root / "notes.txt").write_text("not a game")
    outside = tmp_path / "elsewhere" / "G3"
    outside.mkdir(parents=True)
    (outside / "G3_RawEventsData.csv").write_text("x")
    os.symlink(outside, root / "G3")
    store = LocalStore(root)
    request = IngestRequest(job_id="all", source="metrica", all_matches=True)
    listed = list_matches({"metrica": MetricaRepository(store)}, request)
    assert [m.match_id for m in listed] == ["G1", "G2"]
    before = game_version(store, "G1")
    assert listed[0].version == before
    (root / "G1" / "G1_RawEventsData.csv").write_text("changed")
    assert game_version(store, "G1") != before


def test_every_wyscout_and_statsperform_match_file_inside_the_root_is_listed(tmp_path):
    from processors.adapters.statsperform import statsperform_repository
    from processors.adapters.wyscout import wyscout_repository

    (tmp_path / "wy").mkdir()
    for name in ("2", "1"):
        (tmp_path / "wy" / f"{name}.json").write_text("{}")
    (tmp_path / "wy" / "notes.txt").write_text("not a match")
    (tmp_path / "sp" / "ma3").mkdir(parents=True)
    (tmp_path / "sp" / "ma3" / "abc.json").write_text("{}")
    (tmp_path / "sp" / "ma1").mkdir()
    (tmp_path / "sp" / "ma1" / "only-info.json").write_text("{}")
    repositories = {
        "wyscout": wyscout_repository(str(tmp_path / "wy")),
        "statsperform": statsperform_repository(str(tmp_path / "sp")),
    }
    wy = list_matches(repositories, IngestRequest(job_id="w", source="wyscout", all_matches=True))
    assert [m.match_id for m in wy] == ["1", "2"]
    assert wy[0].version and wy[0].version.startswith("sha256:")
    sp = list_matches(
        repositories, IngestRequest(job_id="s", source="statsperform", all_matches=True)
    )
    assert [m.match_id for m in sp] == ["abc"]
    before = sp[0].version
    (tmp_path / "sp" / "ma1" / "abc.json").write_text("{}")
    assert repositories["statsperform"].loader.version("abc") != before


# -- children --------------------------------------------------------------------------------


def test_child_job_ids_are_deterministic_and_valid():
    assert child_job_id("season-1", "3788741") == "season-1.3788741"
    long_parent = "p" * 120
    first = child_job_id(long_parent, "3788741")
    assert first == child_job_id(long_parent, "3788741")
    assert first != child_job_id(long_parent, "3788742")
    IngestRequest(job_id=first, source="statsbomb", match_id="1")  # a valid job id
    decode_ingest_request(orjson.dumps({"job_id": first, "source": "statsbomb", "match_id": "1"}))


def test_children_carry_their_parent_force_and_version():
    children = child_requests(season(force=True), [ListedMatch("1", "v1"), ListedMatch("2", None)])
    assert [c.job_id for c in children] == ["season-1.1", "season-1.2"]
    assert all(c.parent_job_id == "season-1" and c.force for c in children)
    assert [c.source_version for c in children] == ["v1", None]
    assert not any(c.is_backfill for c in children)


# -- the parent's aggregate ------------------------------------------------------------------


def child_state(match_id: str, status: JobStatus, **extra: object) -> JobState:
    values: dict = dict(
        job_id=f"season-1.{match_id}",
        status=status,
        source="statsbomb",
        match_id=match_id,
        trace_id=TRACE,
        updated_at=NOW,
        parent_job_id="season-1",
    )
    values.update(extra)
    return JobState(**values)


def started_parent(*match_ids: str) -> JobState:
    return parent_running(season(), list(match_ids), trace_id=TRACE, now=NOW, previous=None)


def test_the_parent_counts_its_children_and_fails_listing_every_failed_one():
    parent = started_parent("1", "2", "3")
    assert parent.children.total == 3 and parent.children.queued == 3
    parent = fold_child(parent, child_state("1", JobStatus.RUNNING), NOW)
    assert (parent.children.queued, parent.children.running) == (2, 1)
    parent = fold_child(
        parent,
        child_state("1", JobStatus.SUCCEEDED, events_emitted=3803, raw_events_read=3803),
        NOW,
    )
    parent = fold_child(
        parent,
        child_state(
            "2", JobStatus.FAILED, error_code="match_not_found", error_message="2 not found"
        ),
        NOW,
    )
    assert parent.status is JobStatus.RUNNING
    assert parent.events_emitted == 3803
    parent = fold_child(parent, child_state("3", JobStatus.SUCCEEDED, skipped=True), NOW)
    assert parent.status is JobStatus.FAILED
    assert parent.error_code == "children_failed"
    assert "1 of 3 matches failed (1 match_not_found)" in parent.error_message
    assert parent.children.succeeded == 1 and parent.children.skipped == 1
    assert [(c.job_id, c.match_id, c.error_code) for c in parent.failed_children] == [
        ("season-1.2", "2", "match_not_found")
    ]
    assert parent.child_statuses == {"1": "succeeded", "2": "failed", "3": "skipped"}
    assert decode_job_state(orjson.dumps(job_state_to_dict(parent))) == parent


def test_the_parent_succeeds_when_every_child_succeeded_or_was_skipped():
    parent = started_parent("1", "2")
    parent = fold_child(parent, child_state("1", JobStatus.SUCCEEDED), NOW)
    parent = fold_child(parent, child_state("2", JobStatus.SUCCEEDED, skipped=True), NOW)
    assert parent.status is JobStatus.SUCCEEDED
    assert parent.error_code is None


def test_a_repeated_or_late_notice_changes_nothing():
    parent = started_parent("1", "2")
    parent = fold_child(parent, child_state("1", JobStatus.SUCCEEDED, events_emitted=5), NOW)
    assert fold_child(parent, child_state("1", JobStatus.SUCCEEDED, events_emitted=5), NOW) is None
    assert fold_child(parent, child_state("1", JobStatus.RUNNING), NOW) is None
    assert parent.events_emitted == 5


def test_a_parent_run_again_keeps_what_it_learnt_of_its_children():
    first = fold_child(started_parent("1", "2"), child_state("1", JobStatus.SUCCEEDED), NOW)
    again = parent_running(
        season(),
        ["1", "2"],
        trace_id=TRACE,
        now=NOW,
        previous=first,
    )
    assert again.child_statuses == {"1": "succeeded", "2": "queued"}
    assert again.attempt == 2


def test_only_a_notice_keyed_by_the_parent_is_folded():
    notice = child_state("1", JobStatus.SUCCEEDED)
    assert is_parent_notice(b"season-1", notice)
    assert not is_parent_notice(b"season-1.1", notice)
    assert not is_parent_notice(None, notice)


def test_the_progress_bar_counts_matches():
    parent = fold_child(
        started_parent("1", "2", "3", "4"), child_state("1", JobStatus.SUCCEEDED), NOW
    )
    text = progress_text(parent, width=8)
    assert text == children_progress_text(parent, width=8)
    assert text.startswith("[##......] 1/4 matches (1 ingested, 0 skipped, 0 failed, 0 running)")


# -- skipping --------------------------------------------------------------------------------


def test_an_unchanged_match_is_skipped_unless_forced():
    child = child_requests(season(), [ListedMatch("1", "last_updated:A")])[0]
    recorded = VersionRecord("last_updated:A", "old.1", NOW)
    assert skip_reason(child, recorded) == "unchanged since job old.1 (last_updated:A)"
    assert skip_reason(child, VersionRecord("last_updated:B", "old.1", NOW)) is None
    assert skip_reason(child, None) is None
    forced = child_requests(season(force=True), [ListedMatch("1", "last_updated:A")])[0]
    assert skip_reason(forced, recorded) is None
    unversioned = child_requests(season(), [ListedMatch("1", None)])[0]
    assert skip_reason(unversioned, recorded) is None
    single = IngestRequest(
        job_id="j", source="statsbomb", match_id="1", source_version="last_updated:A"
    )
    assert skip_reason(single, recorded) is None


def test_a_version_record_round_trips():
    record = VersionRecord("sha256:ab", "p.1", NOW)
    assert decode_version(encode_version("metrica:G1", record)) == record
    assert decode_version(b"garbage") is None
    assert decode_version(None) is None


# -- the runner, parent and children together, with the topics as queues -----------------


class Cluster(InMemoryWorker):
    """One worker standing for every worker; the topics are its queue."""

    def __init__(self, listed: list[ListedMatch], matches: dict) -> None:
        super().__init__(matches)
        self.repository.listed = listed

    @property
    def table(self) -> dict:
        return self.store.states


def entries(*match_ids: str, last_updated: str = "A") -> list[ListedMatch]:
    return [ListedMatch(m, f"last_updated:{last_updated}") for m in match_ids]


def test_a_season_fans_out_and_its_parent_reports_every_child():
    cluster = Cluster(entries("1", "2", "3"), {"1": synthetic_match("1")})
    cluster.submit(season())
    parent = cluster.state("season-1")
    assert parent.status is JobStatus.FAILED
    assert parent.children.total == 3
    assert (parent.children.succeeded, parent.children.failed) == (1, 2)
    assert {c.match_id for c in parent.failed_children} == {"2", "3"}
    assert {c.error_code for c in parent.failed_children} == {"match_not_found"}
    assert parent.events_emitted == 3
    child = cluster.state("season-1.1")
    assert child.status is JobStatus.SUCCEEDED and child.parent_job_id == "season-1"
    assert child.trace_id == parent.trace_id
    assert cluster.versions.get("statsbomb:1").job_id == "season-1.1"
    assert cluster.versions.get("statsbomb:2") is None  # only a success records a version


def test_a_second_backfill_skips_unchanged_matches_and_force_ingests_them_again():
    cluster = Cluster(entries("1", "2"), {"1": synthetic_match("1"), "2": synthetic_match("2")})
    cluster.submit(season("first"))
    assert cluster.state("first").status is JobStatus.SUCCEEDED
    emitted = len(cluster.publisher.log)

    cluster.submit(season("second"))
    second = cluster.state("second")
    assert second.status is JobStatus.SUCCEEDED
    assert (second.children.skipped, second.children.succeeded) == (2, 0)
    skipped = cluster.state("second.1")
    assert skipped.skipped and skipped.skip_reason.startswith("unchanged since job first.1")
    assert len(cluster.publisher.log) == emitted

    cluster.repository.listed = entries("1", "2", last_updated="B")
    cluster.submit(season("third"))
    assert cluster.state("third").children.succeeded == 2  # the provider changed both

    cluster.submit(season("fourth", force=True))
    assert cluster.state("fourth").children.succeeded == 2


def test_a_parent_request_delivered_again_creates_no_new_children():
    cluster = Cluster(entries("1"), {"1": synthetic_match("1")})
    cluster.submit(season())
    jobs_before = set(cluster.table)
    cluster.submit(season())
    assert set(cluster.table) == jobs_before
    assert len(cluster.publisher.log) == 3


def test_a_single_match_request_neither_skips_nor_records_versions():
    cluster = Cluster([], {"1": synthetic_match("1")})
    cluster.versions.put("statsbomb:1", VersionRecord("v", "x", NOW))
    cluster.submit(IngestRequest(job_id="one", source="statsbomb", match_id="1"))
    assert cluster.state("one").status is JobStatus.SUCCEEDED
    assert not cluster.state("one").skipped
    assert cluster.versions.get("statsbomb:1").job_id == "x"


def test_an_unknown_source_is_unknown_source_for_a_match_and_for_a_season():
    """A source with no adapter configured fails with one stable code on both paths."""
    cluster = Cluster([], {"1": synthetic_match("1")})
    cluster.submit(IngestRequest(job_id="one", source="metrica", match_id="1"))
    cluster.submit(IngestRequest(job_id="all", source="metrica", all_matches=True))
    assert cluster.state("one").error_code == "unknown_source"
    assert cluster.state("all").error_code == "unknown_source"
    assert cluster.state("all").status is JobStatus.FAILED


def test_children_report_to_the_partition_their_parent_arrived_in():
    """A parent produced by any client (kcat hashes with CRC32, or names a partition) has its
    state in that partition; its children's notices go there, not where a partitioner puts
    the parent's key (the header ``pitchstream_parent_partition`` on each child request)."""
    cluster = Cluster(entries("1", "2"), {"1": synthetic_match("1")})
    arrived = (fake_partitioner(b"from-kcat") + 1) % PARTITIONS  # not the partitioner's
    cluster.submit(season("from-kcat"), partition=arrived)
    assert cluster.state("from-kcat").status is JobStatus.FAILED  # every child folded in
    to_parent = [p for kind, key, p in cluster.sent if kind == "update" and key == b"from-kcat"]
    assert len(to_parent) == 4 and set(to_parent) == {arrived}  # running and final, per child
    to_children = [p for kind, key, p in cluster.sent if kind == "update" and key != b"from-kcat"]
    assert to_children and set(to_children) == {None}  # their queued state: like the request
    assert {p for kind, _, p in cluster.sent if kind == "request"} == {None}


def test_a_child_without_the_parent_partition_header_leaves_the_choice_to_the_partitioner():
    cluster = Cluster([], {"1": synthetic_match("1")})
    child = IngestRequest(
        job_id="old.1", source="statsbomb", match_id="1", parent_job_id="old", source_version="v"
    )
    cluster.submit(child, partition=2)  # sent by a worker from before the header existed
    assert ("update", b"old", None) in cluster.sent


def test_the_parent_sums_its_childrens_revision_counts():
    parent = started_parent("1", "2", "3")
    changes = dict(added=1, changed=42, retracted=1, unchanged=3760)
    parent = fold_child(parent, child_state("1", JobStatus.SUCCEEDED, **changes), NOW)
    assert (parent.added, parent.changed, parent.retracted, parent.unchanged) == (1, 42, 1, 3760)
    again = dict(added=0, changed=0, retracted=0, unchanged=4002)
    parent = fold_child(parent, child_state("2", JobStatus.SUCCEEDED, **again), NOW)
    parent = fold_child(parent, child_state("3", JobStatus.SUCCEEDED, skipped=True), NOW)
    assert (parent.added, parent.changed, parent.retracted, parent.unchanged) == (1, 42, 1, 7762)
    resumed = parent_running(season(), ["1", "2", "3"], trace_id=TRACE, now=NOW, previous=parent)
    assert (resumed.added, resumed.unchanged) == (1, 7762)
