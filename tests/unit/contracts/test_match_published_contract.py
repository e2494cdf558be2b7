"""MatchPublished v1 (the manifest): payload, decoder and committed schema agree."""

from __future__ import annotations

import jsonschema
import orjson
import pytest

from contracts import ContractError
from contracts.schemas import V1_DIR
from contracts.v1 import match_published as contract
from contracts.v1.match_info import match_info_payload
from contracts.v1.topics import Topics
from domain import DataVersion
from domain import ManifestEvent
from domain import MatchManifest
from domain import Segment
from domain import full_publication
from tests.unit.contracts.test_match_info_contract import full_info

SCHEMA = orjson.loads((V1_DIR / "match-published.schema.json").read_bytes())


def manifest() -> MatchManifest:
    return full_publication(
        None,
        source="statsbomb",
        match_id="7",
        job_id="job-1",
        partition=2,
        from_offset=40,
        digests=[("e1", "a" * 32), ("e2", "b" * 32)],
        data_version=DataVersion("2021-06-13T16:17:31.694", "statsbomb_last_updated"),
        info_digest="c" * 64,
    )


def test_a_payload_validates_against_the_schema_and_decodes_to_the_same_values():
    payload = contract.match_published_payload(manifest(), full_info())
    jsonschema.validate(payload, SCHEMA)
    wire = contract.decode_match_published(orjson.dumps(payload))
    assert wire.revision == 1 and wire.full
    assert wire.segments == (contract.Segment("job-1", 2, 40, 2),)
    assert wire.events == (("e1", "a" * 32, 1), ("e2", "b" * 32, 1))
    assert wire.info is not None and wire.info.teams[0].name == "Home"
    assert payload["info"] == match_info_payload(full_info())


def test_a_manifest_without_info_is_valid():
    payload = contract.match_published_payload(manifest(), None)
    jsonschema.validate(payload, SCHEMA)
    assert contract.decode_match_published(orjson.dumps(payload)).info is None


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"revision": 0}, "revision"),
        ({"segments": []}, "segments"),
        ({"events": [["e1", "short", 1]]}, "events[0]"),
        ({"events": [["e1", "a" * 32, True]]}, "events[0]"),
        ({"events": {"e1": 1}}, "events"),
    ],
)
def test_a_bad_manifest_is_refused_saying_where(change, says):
    payload = {**contract.match_published_payload(manifest(), None), **change}
    with pytest.raises(ContractError, match=says.replace("[", r"\[")):
        contract.decode_match_published(orjson.dumps(payload))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(payload, SCHEMA)


def test_unknown_keys_are_tolerated_for_additive_change():
    payload = {**contract.match_published_payload(manifest(), None), "later": 1}
    assert contract.decode_match_published(orjson.dumps(payload)).job_id == "job-1"


def test_a_later_full_publication_keeps_unchanged_event_revisions():
    """An event's revision is its own (issue 16): 1 when first published, + 1 per change;
    the manifest's revision counts publications of the match."""
    first = manifest()
    later = full_publication(
        first, source="statsbomb", match_id="7", job_id="job-2", partition=2, from_offset=90,
        digests=[("e1", "a" * 32), ("e2", "d" * 32), ("e3", "e" * 32)],
        data_version=None, info_digest=None,
    )  # fmt: skip
    assert later.revision == 2 and later.segments == (Segment("job-2", 2, 90, 3),)
    assert later.events == (
        ManifestEvent("e1", "a" * 32, 1),
        ManifestEvent("e2", "d" * 32, 2),
        ManifestEvent("e3", "e" * 32, 1),
    )


def test_the_topics_are_named_and_the_ce_type_follows_the_headers_convention():
    topics = Topics(prefix="t-")
    assert topics.match_published == "t-match-published"
    assert contract.CE_TYPE == "io.pitchstream.match-published.v1"
