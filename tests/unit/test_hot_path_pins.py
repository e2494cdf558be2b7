"""Pins on the hot path's outputs, so that speed work cannot change what is produced."""

import uuid

import pytest

from contracts.v1.headers import match_event_headers
from domain import Coordinates
from domain import Event
from domain import EventType
from domain import Match
from domain import Team
from domain import event_id_for
from domain.match import EVENT_ID_NAMESPACE
from processors.adapters.kafka.publisher import TransactionalEventPublisher
from processors.adapters.kafka.publisher import partition_for
from processors.settings import Settings
from tests.fakes import offline_transactional_publisher

KNOWN_IDS = [
    (
        ("statsbomb", "3788741", "e1b0ca68-cb1d-4a9e-8a6e-2a5e0b6d8f7c"),
        "b3ff735d-44e8-5b29-995b-5882916634b2",
    ),
    (("statsbomb", "1", "a"), "8b602b8b-26a2-5f6b-9303-2dc5546a85cc"),
    (("metrica", "3", "1234"), "4c8f1e6d-b81f-5133-be1e-fa68fcd7aa8b"),
    (("x", "", ""), "f9ee9592-a240-521d-a92c-ddd643109304"),
    (("statsbomb", "Málaga", "ünï"), "c3bea9c0-d8d6-5227-a03e-c291e7f71d67"),
]


@pytest.mark.parametrize("args, expected", KNOWN_IDS)
def test_event_ids_keep_their_published_values(args, expected):
    assert event_id_for(*args) == expected


@pytest.mark.parametrize(
    "source_event_id", ["0", "abc", "ü" * 40, "a:b:c", "x" * 300, str(uuid.UUID(int=7))]
)
def test_event_ids_are_uuid5_of_source_match_and_provider_id(source_event_id):
    name = f"statsbomb:42:{source_event_id}"
    assert event_id_for("statsbomb", "42", source_event_id) == str(
        uuid.uuid5(EVENT_ID_NAMESPACE, name)
    )


@pytest.mark.parametrize(
    "x, y, z",
    [
        (float("nan"), 1.0, None),
        (1.0, float("inf"), None),
        (1.0, 2.0, float("-inf")),
        ("1", 2.0, None),
        (1.0, None, None),
        (1.0, 2.0, "3"),
    ],
)
def test_coordinates_refuse_what_is_not_a_finite_number(x, y, z):
    with pytest.raises(ValueError, match="finite numbers"):
        Coordinates(x, y, z)


def test_coordinates_accept_ints_and_floats():
    assert Coordinates(1, 2.5) == Coordinates(1.0, 2.5, None)
    assert Coordinates(1, 2, 0).z == 0


def test_statsbomb_coordinates_keep_their_exact_values():
    point = Coordinates.from_statsbomb(60.0, 40.0, xy_fidelity=1, z=2.0)
    assert point == Coordinates(x=52.0625, y=34.425, z=1.8288)
    fine = Coordinates.from_statsbomb(0.1, 80.0, xy_fidelity=2)
    assert fine == Coordinates(x=(0.1 - 0.05) * 105.0 / 120.0, y=68.0 - (80.0 - 0.05) * 68.0 / 80.0)


class _RecordingProducer:
    def __init__(self, config):
        self.config = config
        self.sent: list[tuple[str, bytes, bytes, list[tuple[str, bytes]]]] = []
        self.committed = 0
        self.calls: list[str] = []

    def list_topics(self, topic=None, timeout=-1):
        self.calls.append(f"list_topics {topic}")

    def init_transactions(self, timeout):
        self.calls.append("init_transactions")

    def begin_transaction(self):
        pass

    def produce(self, topic, *, key, value, headers):
        self.sent.append((topic, key, value, list(headers)))

    def poll(self, timeout):
        return 0

    def commit_transaction(self, timeout):
        self.committed += 1

    def abort_transaction(self, timeout):
        pass


def _match(event_ids: list[str] | None = None) -> Match:
    home, away = Team("1", "Home"), Team("2", "Away")
    ids = event_ids or [event_id_for("statsbomb", "7", f"s{i}") for i in range(3)]
    events = [
        Event(
            event_id=ids[i],
            source="statsbomb",
            match_id="7",
            source_event_id=f"s{i}",
            source_type="Pass",
            type=EventType.PASS,
            index=i,
            period=1,
            seconds=float(i),
            team_id="1" if i % 2 else "2",
        )
        for i in range(3)
    ]
    return Match.assemble(
        source="statsbomb", match_id="7", home=home, away=away, events=events, raw_event_count=3
    )


ODD_IDS = [
    "00000000-0000-0000-0000-000000000000",
    "00000000-0000-0000-8000-000000000001",
    "ABCDEF12-3456-5789-8abc-def012345678",
    "not-a-uuid",
    "zz",
]


@pytest.mark.parametrize("event_ids", [None, ODD_IDS[:3], ODD_IDS[2:]])
def test_published_records_carry_the_contract_headers_in_order(event_ids):
    producers: list[_RecordingProducer] = []

    def factory(config):
        producers.append(_RecordingProducer(config))
        return producers[-1]

    publisher = offline_transactional_publisher(Settings(app_id="app", topic_prefix="p-"), factory)
    match = _match(event_ids)
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    assert publisher.publish(match, job_id="job-1", trace_id=trace_id) == 3

    (producer,) = producers
    assert producer.committed == 1
    events = [sent for sent in producer.sent if sent[0] == publisher.topic]
    # then, in the same transaction, the match's manifest (this match has no info)
    assert [topic for topic, *_ in producer.sent[3:]] == ["p-match-published"]
    assert [key for _, key, _, _ in producer.sent] == [b"statsbomb:7"] * 4
    for (topic, _, _, headers), event in zip(events, match.events, strict=True):
        assert topic == publisher.topic
        time = dict(headers)["ce_time"].decode()
        assert headers == match_event_headers(
            event_id=event.event_id,
            source="statsbomb",
            match_key="statsbomb:7",
            time=time,
            trace_id=trace_id,
            job_id="job-1",
        )


def test_a_job_producer_is_connected_before_it_asks_for_its_transactional_id():
    """librdkafka otherwise finds no broker for its first FindCoordinator and waits for a
    retry timer: 60-500 ms per job instead of a few (bench/README.md)."""
    producers: list[_RecordingProducer] = []

    def factory(config):
        producers.append(_RecordingProducer(config))
        return producers[-1]

    publisher = TransactionalEventPublisher(Settings(app_id="app"), producer_factory=factory)
    publisher.open_producer("job-9")
    (producer,) = producers
    partition = partition_for("job-9", publisher.settings.partitions)  # the request's
    assert producer.config["transactional.id"] == f"app-ingest-p{partition}"
    assert producer.calls == [f"list_topics {publisher.topic}", "init_transactions"]
