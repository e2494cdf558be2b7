"""The ``pitchstream`` command line: worker, submit, jobs, normalize, match-info.

It starts fast: a command imports what it uses when it runs (``pitchstream --help`` loads no
contracts; ``normalize`` of a StatsBomb match no Kafka client, Faust, structlog or pandas), and
a subcommand's options are added when that subcommand is parsed or asked for its help.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING
from typing import Any
from typing import TextIO

from processors.entrypoints.console import EXIT_CODES_HELP
from processors.entrypoints.console import CommandError
from processors.entrypoints.console import ExitCode
from processors.entrypoints.console import check_kafka
from processors.entrypoints.console import check_port_free

if TYPE_CHECKING:
    from contracts.v1 import IngestRequest
    from contracts.v1 import JobState
    from domain import Match
    from processors.settings import Settings


def _print_json(value: object) -> None:
    import orjson

    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n")


_SUPERVISED = "PITCHSTREAM_SUPERVISED_WORKER"


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    """Run the Faust worker in a child process, and a fresh one when it exits stalled."""
    if os.environ.get(_SUPERVISED) == "1":
        return _run_faust_worker(settings)
    import signal
    import subprocess

    from processors.entrypoints.watchdog import STALL_EXIT_CODE
    from processors.logs import get_logger

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
    from processors.logs import get_logger
    from processors.logs import stdlib_logging_config

    data_dir = settings.worker_data_dir
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(
            f"cannot create the worker's data directory {data_dir}: {error.strerror}; "
            "set PITCHSTREAM_DATA_DIR to a writable directory"
        ) from None
    check_port_free(settings.web_host, settings.web_port)
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


def _request_of(args: argparse.Namespace, job_id: str) -> IngestRequest:
    """The ingest request the command's options describe (each option named as its field)."""
    import dataclasses

    from contracts.v1 import IngestRequest

    names = [f.name for f in dataclasses.fields(IngestRequest) if hasattr(args, f.name)]
    return IngestRequest(**{**{name: getattr(args, name) for name in names}, "job_id": job_id})


def cmd_submit(settings: Settings, args: argparse.Namespace) -> int:
    import uuid

    from contracts import ContractError
    from contracts.codec import from_dict
    from contracts.codec import to_dict
    from contracts.v1 import IngestRequest
    from contracts.v1 import new_trace_id
    from processors.adapters.kafka.admin import ensure_topics
    from processors.adapters.kafka.producer import RequestProducer
    from processors.application import job_states

    job_id = args.job_id or uuid.uuid4().hex
    try:
        request = from_dict(IngestRequest, to_dict(_request_of(args, job_id)))  # its checks
    except ContractError as error:
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.USAGE
    check_kafka(settings)  # after the request's own checks: a bad request needs no broker
    trace_id = new_trace_id()
    ensure_topics(settings)
    queued = job_states.queued(request, trace_id=trace_id)
    RequestProducer(settings).submit(request, trace_id=trace_id, queued=queued)
    print(job_id)
    if not args.wait:
        return 0
    return _wait_and_print(settings, job_id, timeout=args.timeout)


def _wait_and_print(settings: Settings, job_id: str, *, timeout: float) -> int:
    """Follow a job to its final state (progress on stderr), print it; exit 0 when succeeded."""
    from contracts.v1 import JobStatus
    from contracts.v1.job_state import job_state_to_dict
    from processors.adapters.kafka.job_reader import JobStateReader

    display = ProgressDisplay(sys.stderr, tty=sys.stderr.isatty())
    try:
        state = JobStateReader(settings).wait_until(
            job_id, lambda s: s.status.is_final, timeout=timeout, on_state=display.show
        )
    except TimeoutError as error:
        raise CommandError(
            f"{error}; it goes on: see it with `pitchstream jobs show {job_id}`, or wait "
            "longer with --timeout SECONDS",
            ExitCode.TIMED_OUT,
        ) from None
    finally:
        display.close()
    _print_json(job_state_to_dict(state))
    return ExitCode.OK if state.status is JobStatus.SUCCEEDED else ExitCode.JOB_FAILED


def cmd_jobs_show(settings: Settings, args: argparse.Namespace) -> int:
    from contracts.v1.job_state import job_state_to_dict
    from processors.adapters.kafka.job_reader import JobStateReader

    if args.wait:
        return _wait_and_print(settings, args.job_id, timeout=args.timeout)
    state = JobStateReader(settings).latest(args.job_id)
    if state is None:
        print(f"error: no job {args.job_id}", file=sys.stderr)
        return ExitCode.NO_SUCH_JOB
    _print_json(job_state_to_dict(state))
    return ExitCode.OK


def cmd_jobs_list(settings: Settings, args: argparse.Namespace) -> int:
    from processors.adapters.kafka.job_reader import JobStateReader

    states = JobStateReader(settings).all_latest()
    wanted = [s for s in states if args.status is None or s.status.value == args.status]
    wanted.sort(key=lambda s: (s.updated_at, s.job_id), reverse=True)
    sys.stdout.write(jobs_table(wanted[: args.limit]) + "\n")
    return 0


def progress_text(state: JobState, *, width: int = 30) -> str:
    """One line: a bar (when the total is known), the events and the status."""
    from processors.entrypoints.progress import children_progress_text
    from processors.entrypoints.progress import match_progress_text

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
    from processors.adapters.kafka.admin import ensure_topics
    from processors.adapters.kafka.admin import topic_specs

    created = set(ensure_topics(settings))
    for spec in topic_specs(settings):
        state = "created" if spec.name in created else "exists"
        print(f"{spec.name}\t{spec.partitions} partitions\t{state}")
    return 0


def _requested_match(settings: Settings, args: argparse.Namespace) -> Match | int:
    """The match ``--source``/``--match-id``/``--home-team-id`` name, or the exit code (2: the
    source is not configured, 1: the provider failed) after saying why on stderr."""
    from domain import MatchQuery
    from domain import PitchstreamError
    from processors.adapters.registry import build_repository

    repository = build_repository(settings, args.source)
    if repository is None:
        print(f"error: source {args.source!r} is not configured", file=sys.stderr)
        return 2
    try:
        return repository.get_match_for(MatchQuery(args.match_id, args.home_team_id))
    except PitchstreamError as error:
        print(f"error: {error.code}: {error}", file=sys.stderr)
        return 1


def cmd_normalize(settings: Settings, args: argparse.Namespace) -> int:
    import orjson

    from contracts.v1.match_event import encode_match_event
    from processors.entrypoints.console import events_in_words
    from processors.entrypoints.console import unmapped_values_in_words

    match = _requested_match(settings, args)
    if isinstance(match, int):
        return match
    match = _with_request_facts(match, args)
    out = sys.stdout.buffer
    if args.format == "cdf":
        result = _cdf_of(match)
        for record in result.events:
            out.write(orjson.dumps(record) + b"\n")
        out.flush()
        print(f"{match.key}: {_cdf_events_in_words(result)}", file=sys.stderr)
        return 0
    for position, event in enumerate(match.events):  # the payloads the worker publishes
        out.write(encode_match_event(match, event, position) + b"\n")
    out.flush()
    summary = events_in_words(match.raw_event_count, len(match.events), match.dropped_by_reason)
    print(f"{match.key}: {match.raw_event_count} raw events read: {summary}", file=sys.stderr)
    if match.unmapped:
        print(f"{match.key}: {unmapped_values_in_words(match.unmapped)}", file=sys.stderr)
    return 0


def _with_request_facts(match: Match, args: argparse.Namespace) -> Match:
    """The match as the ingest would publish it for a request with these options."""
    if args.kick_off_utc is None and args.neutral_venue is None:
        return match  # nothing to stamp: no need to load the ingest service (and its metrics)
    from contracts import ContractError
    from processors.application.ingest import with_request_facts

    try:
        request = _request_of(args, job_id="cli")
    except ContractError as error:  # e.g. a --kick-off-utc that is no UTC time
        raise CommandError(str(error), ExitCode.USAGE) from None
    return with_request_facts(match, request)


def _cdf_of(match: Any) -> Any:
    """The CDF lane's mapping of exactly the wire payloads the worker publishes."""
    import orjson

    from contracts.v1.match_event import encode_match_event
    from contracts.v1.match_info import encode_match_info
    from processors.application.cdf import to_cdf

    if match.info is None:
        raise SystemExit(f"error: {match.source} gives no match info; no CDF without it")
    info = orjson.loads(encode_match_info(match.info))
    events = [orjson.loads(encode_match_event(match, e, i)) for i, e in enumerate(match.events)]
    return to_cdf(info, events)


def _cdf_events_in_words(result: Any) -> str:
    from processors.application.job_states import cdf_summary_text

    text = cdf_summary_text(len(result.events), result.withheld).removeprefix("cdf: ")
    return f"{result.input_events} MatchEvents: CDF event records {text}"


def cmd_match_info(settings: Settings, args: argparse.Namespace) -> int:
    import orjson

    from contracts.v1.match_info import encode_match_info

    match = _requested_match(settings, args)
    if isinstance(match, int):
        return match
    match = _with_request_facts(match, args)
    info = match.info
    if args.format == "cdf" and info is not None:
        from processors.application.cdf import CDF_MATCH_SHEET_TYPE
        from processors.application.cdf import match_records

        result = _cdf_of(match)
        records = dict(match_records(result))
        document = {
            "match_sheet": records.get(CDF_MATCH_SHEET_TYPE),
            "meta": next((r for t, r in records.items() if t != CDF_MATCH_SHEET_TYPE), None),
        }
        sys.stdout.buffer.write(orjson.dumps(document) + b"\n")
        sys.stdout.buffer.flush()
        for name, reason in (
            ("match sheet", result.match_sheet_withheld),
            ("meta", result.meta_withheld),
        ):
            said = f"withheld ({reason})" if reason else "written"
            print(f"{match.key}: CDF {name} {said}", file=sys.stderr)
        return 0
    if info is None:
        print(f"error: {args.source} gives no match info", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(encode_match_info(info) + b"\n")
    sys.stdout.buffer.flush()
    return 0


HOME_TEAM_HELP = "the team that played at home, for providers that do not say (wyscout)"


class _Command(argparse.ArgumentParser):
    """A subcommand whose options (``options(parser)``) are added when it is first parsed or
    asked for its help: ``pitchstream --help`` lists the commands without importing what their
    options name (the sources, the job statuses)."""

    def __init__(
        self,
        *args: Any,
        options: Callable[[argparse.ArgumentParser], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._pending_options = options

    def _with_options(self) -> None:
        options, self._pending_options = self._pending_options, None
        if options is not None:
            options(self)

    def parse_known_args(self, *args: Any, **kwargs: Any) -> Any:
        self._with_options()
        return super().parse_known_args(*args, **kwargs)

    def format_usage(self) -> str:
        self._with_options()
        return super().format_usage()

    def format_help(self) -> str:
        self._with_options()
        return super().format_help()


def add_request_facts(command: argparse.ArgumentParser) -> None:
    """``--kick-off-utc`` and ``--neutral-venue/--no-neutral-venue``: what a request may
    supply about one match; it replaces the provider's, and the MatchInfo says so."""
    command.add_argument(
        "--kick-off-utc",
        metavar="TIME",
        help="one match: the kick-off in UTC, e.g. 2019-02-21T19:30:00Z (replaces the provider's)",
    )
    command.add_argument(
        "--neutral-venue",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="one match: whether the venue was neutral (replaces the provider's)",
    )


def _sources() -> Sequence[str]:
    from contracts.v1.ingest_request import SOURCES

    return SOURCES


def _submit_options(submit: argparse.ArgumentParser) -> None:
    submit.add_argument("--source", required=True, choices=_sources())
    submit.add_argument("--match-id", help="one match (or a backfill's scope, below)")
    submit.add_argument("--competition-id", type=int, help="backfill a statsbomb season")
    submit.add_argument("--season-id", type=int, help="with --competition-id")
    submit.add_argument(
        "--all-matches",
        action="store_true",
        help="backfill every match under the root (metrica, wyscout, statsperform)",
    )
    submit.add_argument(
        "--force", action="store_true", help="backfill: ingest unchanged matches again too"
    )
    submit.add_argument("--home-team-id", help=HOME_TEAM_HELP)
    submit.add_argument(
        "--full",
        action="store_true",
        help="republish the whole match, not only what changed since its last publication",
    )
    add_request_facts(submit)
    submit.add_argument("--job-id", help="default: a new random id")
    _wait_options(
        submit,
        wait_help="wait for the final job state",
        timeout_help="with --wait: give up waiting after this many seconds (default 600); "
        "the job goes on",
    )
    submit.set_defaults(func=cmd_submit)


def _wait_options(command: argparse.ArgumentParser, *, wait_help: str, timeout_help: str) -> None:
    """``--wait`` and ``--timeout SECONDS`` (default 600)."""
    command.add_argument("--wait", action="store_true", help=wait_help)
    command.add_argument(
        "--timeout", type=float, default=600.0, metavar="SECONDS", help=timeout_help
    )


def _jobs_options(jobs: argparse.ArgumentParser) -> None:
    from contracts.v1 import JobStatus

    commands = jobs.add_subparsers(dest="jobs", required=True)
    show = commands.add_parser(
        "show",
        help="print one job's state",
        description="Print a job's latest state (JSON) from the job table's changelog.",
        epilog="exit codes: 0 state printed (with --wait: the job succeeded); 1 --wait: the job "
        "failed; 3 no such job; 4 --wait gave up after --timeout seconds; 5 Kafka cannot be "
        "reached",
    )
    show.add_argument("job_id")
    _wait_options(
        show,
        wait_help="wait until the job exists and reaches a final state",
        timeout_help="with --wait: give up after this many seconds (default 600)",
    )
    show.set_defaults(func=cmd_jobs_show)
    listing = commands.add_parser("list", help="a table of jobs from the job table's changelog")
    listing.add_argument("--status", choices=[s.value for s in JobStatus])
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(func=cmd_jobs_list)


def _topics_options(topics: argparse.ArgumentParser) -> None:
    topics.add_subparsers(dest="topics", required=True).add_parser(
        "create", help="create the missing topics with our partition counts; check the others"
    ).set_defaults(func=cmd_topics_create)


def _one_match_options(
    command: argparse.ArgumentParser, *, formats_help: str, func: Callable[..., int]
) -> None:
    """``normalize`` and ``match-info``: one match of a source, printed in a format."""
    command.add_argument("--source", required=True, choices=_sources())
    command.add_argument("--match-id", required=True)
    command.add_argument("--home-team-id", help=HOME_TEAM_HELP)
    command.add_argument(
        "--format", choices=("pitchstream", "cdf"), default="pitchstream", help=formats_help
    )
    add_request_facts(command)
    command.set_defaults(func=func)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pitchstream",
        description="Football match data, normalized onto Kafka. "
        "Configured from PITCHSTREAM_* and KAFKA_* environment variables "
        "(KAFKA_BOOTSTRAP_SERVERS: the Kafka cluster, default 127.0.0.1:9092).",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Command)

    commands.add_parser(
        "worker",
        help="run the Faust worker",
        description="Run the Faust worker: creates the missing topics, takes ingest requests "
        "from Kafka, publishes match events, keeps the job table and serves the HTTP API on "
        "PITCHSTREAM_WEB_HOST:PITCHSTREAM_WEB_PORT (127.0.0.1:6066). Runs until SIGTERM or "
        "Ctrl-C; restarts its Faust process when the watchdog finds it stalled. Logs go to "
        "stderr (PITCHSTREAM_LOG_FORMAT, PITCHSTREAM_LOG_LEVEL); Faust keeps its files in "
        "PITCHSTREAM_DATA_DIR (default ~/.cache/pitchstream/worker/<app id>).",
        epilog="exit codes: 0 stopped; 5 Kafka cannot be reached at KAFKA_BOOTSTRAP_SERVERS; "
        "6 the worker cannot start (the error line says why and which setting to change)",
    ).set_defaults(func=cmd_worker)
    commands.add_parser(
        "submit",
        options=_submit_options,
        help="produce an ingest request; print the job id",
        description="Produce an ingest request for one match (--match-id) or a backfill "
        "(--competition-id with --season-id, or --all-matches) and print its job id. "
        "With --wait, follow the job: progress on stderr, its final state (JSON) on stdout.",
        epilog="exit codes: 0 request stored (with --wait: the job succeeded); 1 --wait: the "
        "job failed; 2 invalid request, nothing sent; 4 --wait gave up after --timeout "
        "seconds; 5 Kafka cannot be reached",
    )
    commands.add_parser("jobs", options=_jobs_options, help="job states")
    commands.add_parser("topics", options=_topics_options, help="Kafka topics")
    for name, func, summary, formats_help in (
        (
            "normalize",
            cmd_normalize,
            "print MatchEvent v1 JSON lines, no Kafka",
            "pitchstream: MatchEvent v1 lines (default); cdf: CDF v0.3.2 event lines, as the "
            "CDF lane writes them on cdf-events (withheld events counted on stderr)",
        ),
        (
            "match-info",
            cmd_match_info,
            "print MatchInfo v1 JSON, no Kafka",
            "pitchstream: MatchInfo v1 (default); cdf: one JSON object {match_sheet, meta}, "
            "the CDF records the lane writes on cdf-matches (null when withheld; why on stderr)",
        ),
    ):
        options = partial(_one_match_options, formats_help=formats_help, func=func)
        commands.add_parser(name, options=options, help=summary)
    return parser


_NEEDS_KAFKA = ("cmd_worker", "cmd_jobs_show", "cmd_jobs_list", "cmd_topics_create")
# Offline commands that print data: nothing in them logs, so no logging set-up (structlog) to load.
_NO_LOGS = ("cmd_normalize", "cmd_match_info")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(build_parser(), argv)
    from processors.settings import Settings

    settings = Settings.from_env()
    if args.func.__name__ not in _NO_LOGS:
        _configure_logging(settings)
    try:
        if args.func.__name__ in _NEEDS_KAFKA and os.environ.get(_SUPERVISED) != "1":
            check_kafka(settings)  # one line within seconds, not minutes of librdkafka retries
        return int(args.func(settings, args))
    except CommandError as error:
        _say_error(settings, str(error))
        return int(error.code)
    except TimeoutError as error:
        _say_error(settings, str(error))
        return int(ExitCode.TIMED_OUT)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if not _is_kafka_error(error):
            raise
        _say_error(settings, f"Kafka: {error.args[0]}")
        return int(ExitCode.KAFKA_UNREACHABLE)


def _say_error(settings: Settings, text: str) -> None:
    """``error: <text>`` on stderr, the known secrets masked."""
    from processors.logs import scrub

    print(f"error: {scrub(text, settings.secrets())}", file=sys.stderr)


def _configure_logging(settings: Settings) -> None:
    import logging.config

    from processors.logs import configure_logging
    from processors.logs import stdlib_logging_config

    configure_logging(
        log_format=settings.log_format, level=settings.log_level, secrets=settings.secrets()
    )
    logging.config.dictConfig(  # librdkafka's lines (and other libraries') through ours
        stdlib_logging_config(log_format=settings.log_format, level=settings.log_level)
    )


def _is_kafka_error(error: Exception) -> bool:
    """A confluent-kafka ``KafkaException`` (only a command that loaded the client raises one)."""
    kafka = sys.modules.get("confluent_kafka")
    return kafka is not None and isinstance(error, kafka.KafkaException)


def parse_args(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Like ``parse_args``, but an unknown option is reported with its subcommand's usage."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        subparser = _subparser(parser, args)
        subparser.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _subparser(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> argparse.ArgumentParser:
    """The innermost subcommand parser chosen in ``args`` (``submit``, ``jobs show``...)."""
    current = parser
    while True:
        actions = [a for a in current._actions if isinstance(a, argparse._SubParsersAction)]
        if not actions:
            return current
        chosen = getattr(args, actions[0].dest, None)
        if chosen is None or chosen not in actions[0].choices:
            return current
        current = actions[0].choices[chosen]


if __name__ == "__main__":
    sys.exit(main())
