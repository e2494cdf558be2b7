"""The manifest record's input-partition header, read by the CDF lane to route its notice."""

from __future__ import annotations

from contracts.v1.headers import INPUT_PARTITION
from contracts.v1.headers import input_partition_from
from contracts.v1.headers import input_partition_header


def test_the_input_partition_round_trips():
    assert input_partition_header(3) == (INPUT_PARTITION, b"3")
    assert input_partition_from([("job_id", b"j"), input_partition_header(3)]) == 3


def test_a_missing_or_malformed_input_partition_is_none():
    assert input_partition_from(None) is None
    assert input_partition_from([("job_id", b"j")]) is None
    assert input_partition_from([(INPUT_PARTITION, b"-1")]) is None
    assert input_partition_from([(INPUT_PARTITION, b"three")]) is None
