"""The ``pitchstream`` command line: worker, submit, jobs, normalize."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import uuid
from collections.abc import Iterable, Sequence
from typing import TextIO

import orjson

from contracts import ContractError
from contracts.v1 import IngestRequest, JobState, JobStatus, new_trace_id
from contracts.v1.ingest_request import SOURCES
from contracts.v1.job_state import job_state_to_dict
from contracts.v1.match_event import match_event_payload
from domain import PitchstreamError
from processors.logs import configure_logging, get_logger, stdlib_logging_config
from processors.settings import Settings


def _print_json(value: object) -> None:
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n")


_SUPERVISED = "PITCHSTREAM_SUPERVISED_WORKER"


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    """Run the Faust worker in a child process, and a fresh one when it exits stalled."""
    if os.environ.get(_SUPERVISED) == "1":
        return _run_faust_worker(settings)
    import subprocess

    from processors.entrypoints.watchdog import STALL_EXIT_CODE

    log = get_logger("pitchstream.worker")
    env = {**os.environ, _SUPERVISED: "1"}
    while True:
        child = subprocess.Popen(
            [sys.executable, "-m", "processors.entrypoints.cli", "worker"], env=env
        )

        def forward(signum: int, _: object, child: subprocess.Popen[bytes] = child) -> None:
            if child.poll() is None:
                child.send_signal(signum)

        previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            code = child.wait()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if code != STALL_EXIT_CODE:
            return code
        log.warning("worker stalled and exited; starting a fresh one", exit_code=code)


def _run_faust_worker(settings: Settings) -> int:
    import faust

    from processors.adapters.kafka.admin import ensure_topics
    from processors.entrypoints.app import create_app

    ensure_topics(settings)
    app = create_app(settings)
    get_logger("pitchstream.worker").info("worker starting", **settings.describe())
    worker = faust.Worker(
        app,
        loglevel=settings.log_level,
        quiet=True,
        logging_config=stdlib_logging_config(
            log_format=settings.log_format, level=settings.log_level
        ),
    )
    worker.execute_from_commandline()
    return 0


def cmd_submit(settings: Settings, args: argparse.Namespace) -> int:
    from processors.adapters.kafka.admin import ensure_topics
    from processors.adapters.kafka.job_reader import JobStateReader
    from processors.adapters.kafka.producer import RequestProducer
    from processors.application import job_states

    job_id = args.job_id or uuid.uuid4().hex
    try:
        request = IngestRequest(
            job_id=job_id,
            source=args.source,
            match_id=args.match_id,
            competition_id=args.competition_id,
            season_id=args.season_id,
            all_matches=args.all_matches,
            force=args.force,
        )
        from contracts.codec import from_dict, to_dict

        request = from_dict(IngestRequest, to_dict(request))  # the contract's own checks
    except ContractError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    trace_id = new_trace_id()
    ensure_topics(settings)
    queued = job_states.queued(request, trace_id=trace_id)
    RequestProducer(settings).submit(request, trace_id=trace_id, queued=queued)
    print(job_id)
    if not args.wait:
        return 0
    display = ProgressDisplay(sys.stderr, tty=sys.stderr.isatty())
    try:
        state = JobStateReader(settings).wait_until(
            job_id, lambda s: s.status.is_final, timeout=args.timeout, on_state=display.show
        )
    finally:
        display.close()
    _print_json(job_state_to_dict(state))
    return 0 if state.status is JobStatus.SUCCEEDED else 1


def cmd_jobs_show(settings: Settings, args: argparse.Namespace) -> int:
    from processors.adapters.kafka.job_reader import JobStateReader

    state = JobStateReader(settings).latest(args.job_id)
    if state is None:
        print(f"error: no job {args.job_id}", file=sys.stderr)
        return 1
    _print_json(job_state_to_dict(state))
    return 0


def cmd_jobs_list(settings: Settings, args: argparse.Namespace) -> int:
    from processors.adapters.kafka.job_reader import JobStateReader

    states = JobStateReader(settings).all_latest()
    wanted = [s for s in states if args.status is None or s.status.value == args.status]
    wanted.sort(key=lambda s: (s.updated_at, s.job_id), reverse=True)
    sys.stdout.write(jobs_table(wanted[: args.limit]) + "\n")
    return 0


def progress_text(state: JobState, *, width: int = 30) -> str:
    """One line: a bar (when the total is known), the events and the status."""
    from processors.entrypoints.progress import children_progress_text, match_progress_text

    if state.children is not None:  # a backfill: one bar for its matches
        return children_progress_text(state, width=width)
    return match_progress_text(state, width=width)


class ProgressDisplay:
    """``submit --wait`` progress on stderr: redrawn in place on a terminal, else one line per
    change (for logs and CI)."""

    def __init__(self, out: TextIO, *, tty: bool, width: int = 30) -> None:
        self.out = out
        self.tty = tty
        self.width = width
        self.last = ""

    def show(self, state: JobState) -> None:
        text = progress_text(state, width=self.width)
        if text == self.last:
            return
        if self.tty:
            self.out.write("\r" + text.ljust(len(self.last)))
        else:
            self.out.write(text + "\n")
        self.out.flush()
        self.last = text

    def close(self) -> None:
        if self.tty and self.last:
            self.out.write("\n")
            self.out.flush()


def jobs_table(states: Iterable[JobState]) -> str:
    header = ("JOB_ID", "STATUS", "SOURCE", "MATCH_ID", "EVENTS", "UPDATED_AT", "ERROR")
    rows = [header] + [
        (
            s.job_id,
            s.status.value,
            s.source,
            s.match_id,
            str(s.events_emitted),
            s.updated_at,
            s.error_code or "",
        )
        for s in states
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def cmd_topics_create(settings: Settings, args: argparse.Namespace) -> int:
    from processors.adapters.kafka.admin import ensure_topics, topic_specs

    created = set(ensure_topics(settings))
    for spec in topic_specs(settings):
        state = "created" if spec.name in created else "exists"
        print(f"{spec.name}\t{spec.partitions} partitions\t{state}")
    return 0


def cmd_normalize(settings: Settings, args: argparse.Namespace) -> int:
    from processors.adapters.registry import build_repositories

    repository = build_repositories(settings).get(args.source)
    if repository is None:
        print(f"error: source {args.source!r} is not configured", file=sys.stderr)
        return 2
    try:
        match = repository.get_match(args.match_id)
    except PitchstreamError as error:
        print(f"error: {error.code}: {error}", file=sys.stderr)
        return 1
    out = sys.stdout.buffer
    for position, event in enumerate(match.events):
        out.write(orjson.dumps(match_event_payload(match, event, position)) + b"\n")
    out.flush()
    print(
        f"{match.key}: {match.raw_event_count} raw events, {len(match.events)} emitted, "
        f"dropped {match.dropped_by_reason or 'none'}",
        file=sys.stderr,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pitchstream",
        description="Football match data, normalized onto Kafka. "
        "Configured from PITCHSTREAM_* and KAFKA_* environment variables.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("worker", help="run the Faust worker").set_defaults(func=cmd_worker)

    submit = commands.add_parser("submit", help="produce an ingest request; print the job id")
    submit.add_argument("--source", required=True, choices=SOURCES)
    submit.add_argument("--match-id", help="one match (or a backfill's scope, below)")
    submit.add_argument("--competition-id", type=int, help="backfill a statsbomb season")
    submit.add_argument("--season-id", type=int, help="with --competition-id")
    submit.add_argument(
        "--all-matches", action="store_true", help="backfill every metrica game under the root"
    )
    submit.add_argument(
        "--force", action="store_true", help="backfill: ingest unchanged matches again too"
    )
    submit.add_argument("--job-id", help="default: a new random id")
    submit.add_argument("--wait", action="store_true", help="wait for the final job state")
    submit.add_argument("--timeout", type=float, default=600.0)
    submit.set_defaults(func=cmd_submit)

    jobs = commands.add_parser("jobs", help="job states").add_subparsers(dest="jobs", required=True)
    show = jobs.add_parser("show", help="print one job's state")
    show.add_argument("job_id")
    show.set_defaults(func=cmd_jobs_show)
    listing = jobs.add_parser("list", help="a table of jobs from the job table's changelog")
    listing.add_argument("--status", choices=[s.value for s in JobStatus])
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(func=cmd_jobs_list)

    topics = commands.add_parser("topics", help="Kafka topics").add_subparsers(
        dest="topics", required=True
    )
    topics.add_parser(
        "create", help="create the missing topics with our partition counts; check the others"
    ).set_defaults(func=cmd_topics_create)

    normalize = commands.add_parser("normalize", help="print MatchEvent v1 JSON lines, no Kafka")
    normalize.add_argument("--source", required=True, choices=SOURCES)
    normalize.add_argument("--match-id", required=True)
    normalize.set_defaults(func=cmd_normalize)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    configure_logging(
        log_format=settings.log_format, level=settings.log_level, secrets=settings.secrets()
    )
    return int(args.func(settings, args))


if __name__ == "__main__":
    sys.exit(main())
