"""The Faust application: topics, the job table, and thin agents.

Agents only take messages off topics and hand them, one ``ConsumedMessage`` each, to the
``JobRunner``, which dispatches them to the use cases (ingest a match, run a backfill).
This module wires the use cases to their adapters.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import faust

from processors.adapters.kafka.cdf_lane import CdfLaneProcess
from processors.adapters.kafka.job_table import FaustJobTable
from processors.adapters.kafka.publisher import TransactionalEventPublisher
from processors.adapters.kafka.versions import VersionLog
from processors.adapters.registry import LazyRepositories
from processors.application.ingest import IngestionService
from processors.entrypoints.consumer import ConsumedMessage
from processors.entrypoints.consumer import build_runner
from processors.entrypoints.watchdog import ConsumerWatchdog
from processors.entrypoints.web import register_web
from processors.liveness import Heartbeat
from processors.liveness import LivenessWatch
from processors.logs import get_logger
from processors.memory import trim_heap
from processors.metrics import Metrics
from processors.settings import Settings


def _credentials(settings: Settings) -> Any:
    if settings.sasl_mechanism:
        ssl_context = None
        if settings.security_protocol == "SASL_SSL":
            ssl_context = ssl.create_default_context(cafile=settings.ssl_ca_location or None)
        return faust.SASLCredentials(
            username=settings.sasl_username,
            password=settings.sasl_password,
            mechanism=settings.sasl_mechanism,
            ssl_context=ssl_context,
        )
    if settings.security_protocol == "SSL":
        return faust.SSLCredentials(
            ssl.create_default_context(cafile=settings.ssl_ca_location or None)
        )
    return None


def create_app(
    settings: Settings,
    *,
    metrics: Metrics | None = None,
    service: IngestionService | None = None,
) -> faust.App:
    metrics = metrics or Metrics()
    topics = settings.topics
    app = faust.App(
        settings.app_id,
        broker=f"kafka://{settings.bootstrap_servers}",
        broker_credentials=_credentials(settings),
        store="memory://",
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        topic_allow_declare=False,  # topics are created by processors.adapters.kafka.admin
        datadir=str(settings.worker_data_dir),
        web_host=settings.web_host,
        web_bind=settings.web_host,
        web_port=settings.web_port,
        canonical_url=settings.public_web_url,  # what peers use to route job lookups here
        web_enabled=True,
        producer_acks=-1,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=min(3.0, settings.session_timeout / 3),
        table_cleanup_interval=60.0,
    )

    def raw_topic(name: str, partitions: int | None = None) -> Any:
        """Bytes in, bytes out: our contracts encode and decode, not Faust."""
        return app.topic(
            name,
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=partitions,
        )

    ingest_topic = raw_topic(topics.ingest_requests, partitions=settings.partitions)
    updates_topic = raw_topic(topics.job_updates, partitions=settings.partitions)
    dead_letter_topic = raw_topic(topics.ingest_dead_letters)
    jobs = app.Table(
        "jobs",
        default=None,
        key_type=bytes,  # raw keys: the changelog reads as plain job ids and JSON values
        value_type=None,
        partitions=settings.partitions,
        help="JobState v1 by job id",
    )
    service = service or IngestionService(
        LazyRepositories(settings),
        TransactionalEventPublisher(settings),
        metrics=metrics,
        secrets=settings.secrets(),
    )

    async def send_dead_letter(key: bytes | None, value: bytes | None, headers: Any) -> None:
        await dead_letter_topic.send(key=key, value=value, headers=headers)

    async def flush() -> None:
        await app.producer.flush()

    async def send_request(key: bytes, value: bytes, headers: Any) -> None:
        await ingest_topic.send(key=key, value=value, headers=headers)

    async def send_update(
        key: bytes, value: bytes, headers: Any, *, partition: int | None
    ) -> None:  # a partition: a child's notice for a parent whose request arrived there
        await updates_topic.send(key=key, value=value, headers=headers, partition=partition)

    runner = build_runner(
        service,
        FaustJobTable(jobs, flush),
        send_request=send_request,
        send_update=send_update,
        send_dead_letter=send_dead_letter,
        flush_sends=flush,
        versions=VersionLog(settings),
    )
    watchdog = ConsumerWatchdog(app, topics.ingest_requests, runner.idle_since)
    # Alive: the event loop runs this timer and the ingest agent is not stuck in a request
    # (a request's age counts from the last beat before it). A silent worker exits and
    # `pitchstream worker` starts a fresh one (processors/liveness.py).
    heartbeat = Heartbeat()
    liveness = LivenessWatch(heartbeat, what="worker")

    @app.timer(interval=5.0)
    async def watch_request_consumer() -> None:
        await watchdog.check()
        if runner.idle_since() is not None:
            heartbeat.beat()
        if liveness.ident is None:
            liveness.start()

    @app.on_before_shutdown.connect
    async def stop_liveness_watch(sender: Any, /, *args: Any, **kwargs: Any) -> None:
        liveness.stop_event.set()

    @app.agent(ingest_topic, name="ingest", concurrency=1)
    async def ingest(stream: Any) -> None:
        loop = asyncio.get_running_loop()
        async for event in stream.events():
            await runner.handle_request(ConsumedMessage.of(event.message))
            # A job's tens of MB go back to the OS beside the next job (GIL released).
            loop.run_in_executor(None, trim_heap)

    @app.agent(updates_topic, name="job-updates", concurrency=1)
    async def track_jobs(stream: Any) -> None:
        async for event in stream.events():
            await runner.apply_update(ConsumedMessage.of(event.message))

    # Signal receivers as mode calls them: receiver(sender, *args, signal=..., **kwargs).
    @app.on_rebalance_complete.connect
    async def on_rebalance_complete(sender: Any, /, *args: Any, **kwargs: Any) -> None:
        get_logger("pitchstream.worker").info("partitions assigned; worker ready")

    if settings.cdf_lane:
        cdf_lane = CdfLaneProcess(settings, metrics)

        @app.task
        async def start_cdf_lane() -> None:
            cdf_lane.start()
            get_logger("pitchstream.worker").info(
                "CDF lane started", group=f"{settings.app_id}-cdf"
            )

        @app.on_before_shutdown.connect
        async def stop_cdf_lane(sender: Any, /, *args: Any, **kwargs: Any) -> None:
            if cdf_lane.is_alive():
                await asyncio.get_running_loop().run_in_executor(None, cdf_lane.stop, 5.0)

    register_web(app, jobs=jobs, settings=settings, metrics=metrics)  # API, /metrics (Faust's too)
    return app
