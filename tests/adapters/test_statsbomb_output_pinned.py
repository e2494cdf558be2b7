"""The normalized output of the real sample matches, pinned byte for byte.

Digests taken before the hot path was optimized (bench/README.md): a speed change that alters
a single value, a float's last bit or a payload byte fails here.
"""

import hashlib

import orjson
import pytest

from contracts.v1.match_event import encode_match_event, match_event_payload
from processors.adapters.statsbomb import OpenDataMirror, StatsBombRepository
from tests.paths import statsbomb_dir

PINNED = {
    "3788741": (
        3803,
        "237986fcfb35a33afcafeb3d52a218e3a15094575e92b23f73a842504e2d839f",
        "3761f85941976199fab32e1dbda35e99b7dd5ed8635957ca919a40d09d3f8950",
    ),
    "15946": (
        4002,
        "e003798529cdcc2dae5bbbb4f4944327394a6608099543ad3f8d056947df1a82",
        "a172aa3b4c3277bb7127a7ad8fbb8f79ea9b7a3f6bc3e5c22e0545addc725e9b",
    ),
    "15986": (
        4027,
        "befd0766ed44e53160ad1176b28c98c557185926201b1348128e3df201c039d8",
        "29014d3232fbb4886746a85dcedfefc6ba5ff38ee9476e3d249ef6eeaca20207",
    ),
}


@pytest.fixture(scope="module")
def repository() -> StatsBombRepository:
    return StatsBombRepository(OpenDataMirror(statsbomb_dir()))


@pytest.mark.parametrize("match_id", sorted(PINNED))
def test_encoded_match_events_are_byte_identical_to_the_pinned_output(repository, match_id):
    count, payload_digest, _ = PINNED[match_id]
    match = repository.get_match(match_id)
    digest = hashlib.sha256()
    for position, event in enumerate(match.events):
        digest.update(encode_match_event(match, event, position))
        digest.update(b"\n")
    assert len(match.events) == count
    assert digest.hexdigest() == payload_digest


@pytest.mark.parametrize("match_id", sorted(PINNED))
def test_domain_events_are_identical_to_the_pinned_ones(repository, match_id):
    _, _, domain_digest = PINNED[match_id]
    match = repository.get_match(match_id)
    assert hashlib.sha256(repr(match).encode()).hexdigest() == domain_digest


@pytest.mark.parametrize("match_id", sorted(PINNED))
def test_the_fast_encoder_writes_exactly_the_payload_dict(repository, match_id):
    match = repository.get_match(match_id)
    for position, event in enumerate(match.events):
        expected = orjson.dumps(match_event_payload(match, event, position))
        assert encode_match_event(match, event, position) == expected
