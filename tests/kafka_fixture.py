"""Where the integration tests get their Kafka broker from.

``bootstrap_servers_for_tests()`` is a context manager yielding a bootstrap string, chosen in
this order:

1. ``KAFKA_BOOTSTRAP_SERVERS`` from the environment (a broker someone already runs, e.g.
   ``make broker-start`` or compose); nothing is started or stopped.
2. A testcontainers ``KafkaContainer`` (KRaft) when a Docker engine answers ``docker info``
   within a few seconds.
3. Otherwise ``processors.devtools.devbroker.DevBroker``: Apache Kafka from Maven jars on the
   local JVM, in a temp dir removed afterwards.

All three are configured alike where it matters: single node, replication factor 1 for the
internal topics, no initial rebalance delay, no topic auto-creation (tests create their
topics explicitly). The session fixture in ``tests/conftest.py`` wraps this function.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

KAFKA_IMAGE = os.environ.get("PITCHSTREAM_TEST_KAFKA_IMAGE", "confluentinc/cp-kafka:7.9.0")
DOCKER_PING_TIMEOUT = 5.0


def docker_engine_available(timeout: float = DOCKER_PING_TIMEOUT) -> bool:
    """True when a Docker engine answers; fails fast when there is no client or no engine."""
    docker = shutil.which("docker")
    if docker is None:
        return False
    try:
        result = subprocess.run(
            [docker, "info", "--format", "{{.ServerVersion}}"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and bool(result.stdout.strip())


def _announce(source: str, bootstrap: str) -> None:
    # logging for pytest's captured log; the terminal line survives -q and capture=fd
    log.warning("integration tests use Kafka from %s at %s", source, bootstrap)


@contextmanager
def _testcontainers_kafka() -> Iterator[str]:
    from testcontainers.kafka import KafkaContainer

    container = (
        KafkaContainer(image=KAFKA_IMAGE)
        .with_kraft()
        .with_env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
        .with_env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
        .with_env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
    )
    with container as kafka:
        yield kafka.get_bootstrap_server()


@contextmanager
def _devbroker_kafka() -> Iterator[str]:
    from processors.devtools.devbroker import DevBroker

    with DevBroker() as broker:
        log.info(
            "DevBroker pid %s started in %.1f s, state in %s",
            broker.pid,
            broker.startup_seconds or 0.0,
            broker.state_dir,
        )
        yield broker.bootstrap_servers


@contextmanager
def bootstrap_servers_for_tests() -> Iterator[str]:
    """Yield ``host:port`` of a Kafka broker for the test session (see module docstring)."""
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if external:
        _announce("KAFKA_BOOTSTRAP_SERVERS", external)
        yield external
        return
    if docker_engine_available():
        try:
            import testcontainers.kafka  # noqa: F401
        except ImportError:
            log.warning("a Docker engine answers but testcontainers[kafka] is not importable")
        else:
            with _testcontainers_kafka() as bootstrap:
                _announce(f"testcontainers ({KAFKA_IMAGE})", bootstrap)
                yield bootstrap
            return
    with _devbroker_kafka() as bootstrap:
        _announce("processors.devtools.devbroker (Kafka from Maven jars, no Docker)", bootstrap)
        yield bootstrap
