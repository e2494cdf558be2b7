"""IngestRequest v1: ask the worker to ingest one match from one provider.

Topic ``ingest-requests``, key: the job id. Unknown fields are ignored (additive change).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import orjson

from contracts.codec import ContractError, field_meta, from_dict, to_dict

SOURCES: Final = ("statsbomb", "metrica")
QUEUES: Final = ("default",)
JOB_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"
# A match id names a file or folder at the provider: no separators, no "..", printable ASCII.
MATCH_ID_PATTERN: Final = r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"
MAX_REQUEST_BYTES: Final = 64 * 1024


@dataclass(frozen=True, slots=True)
class IngestRequest:
    job_id: str = field(
        metadata=field_meta("Unique id of the job; the message key", pattern=JOB_ID_PATTERN)
    )
    source: Literal["statsbomb", "metrica"] = field(metadata=field_meta("The data provider"))
    match_id: str = field(
        metadata=field_meta("The provider's match id", pattern=MATCH_ID_PATTERN, maxLength=128)
    )
    queue: Literal["default"] = field(
        default="default", metadata=field_meta("The worker lane; 'default' is the CPU lane")
    )
    options: Mapping[str, str] = field(
        default_factory=dict,
        metadata=field_meta(
            "Provider options as strings; a worker ignores options it does not know",
            maxProperties=32,
        ),
    )


def encode_ingest_request(request: IngestRequest) -> bytes:
    return orjson.dumps(to_dict(request))


def decode_ingest_request(payload: bytes) -> IngestRequest:
    """Decode untrusted bytes; raises ContractError saying what is wrong."""
    if len(payload) > MAX_REQUEST_BYTES:
        raise ContractError(f"request is {len(payload)} bytes, more than {MAX_REQUEST_BYTES}")
    try:
        data: Any = orjson.loads(payload)
    except orjson.JSONDecodeError as error:
        raise ContractError(f"request is not JSON: {error}") from None
    return from_dict(IngestRequest, data)


def with_job_id(request: IngestRequest, job_id: str) -> IngestRequest:
    return dataclasses.replace(request, job_id=job_id)
