"""Command line of ``python -m processors.devtools.devbroker`` (see the package docstring)."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from processors.devtools.devbroker.broker import BrokerError
from processors.devtools.devbroker.broker import DevBroker
from processors.devtools.devbroker.broker import ensure_jars
from processors.devtools.devbroker.broker import probe
from processors.devtools.devbroker.broker import running_pid
from processors.devtools.devbroker.broker import stop_pidfile


def _err(msg: str) -> None:
    print(f"devbroker: {msg}", file=sys.stderr, flush=True)


def cmd_jars(args: argparse.Namespace) -> int:
    print(ensure_jars(), flush=True)
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    state = Path(args.state_dir).resolve()
    pid = running_pid(state)
    if pid is not None:
        try:
            bootstrap = (state / "bootstrap").read_text().strip()
        except OSError:
            bootstrap = ""
        port = int(bootstrap.rsplit(":", 1)[1]) if ":" in bootstrap else 0
        if port and probe(port) is None:
            _err(f"already running (pid {pid})")
            print(f"KAFKA_BOOTSTRAP_SERVERS={bootstrap}", flush=True)
            return 0
        _err(f"a broker (pid {pid}) runs for {state} but does not answer; stopping it")
        stop_pidfile(state)
    ensure_jars()
    broker = DevBroker(state, port=args.port, detach=True, startup_timeout=args.timeout)
    began = time.monotonic()
    broker.start()
    (state / "broker.pid").write_text(f"{broker.pid}\n")
    (state / "bootstrap").write_text(broker.bootstrap_servers + "\n")
    _err(f"started pid {broker.pid} in {time.monotonic() - began:.1f} s, state in {state}")
    print(f"KAFKA_BOOTSTRAP_SERVERS={broker.bootstrap_servers}", flush=True)
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    state = Path(args.state_dir).resolve()
    began = time.monotonic()
    pid = stop_pidfile(state, timeout=args.timeout)
    if pid is None:
        _err(f"no broker running for {state}")
    else:
        _err(f"stopped pid {pid} in {time.monotonic() - began:.1f} s")
    return 0


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def cmd_run(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)  # also when started with SIGINT ignored (&)
    broker = DevBroker(args.state_dir, port=args.port, startup_timeout=args.timeout)
    try:
        broker.start()
        _err(f"started pid {broker.pid} in {broker.startup_seconds:.1f} s, state in "
             f"{broker.state_dir}; Ctrl-C to stop")  # fmt: skip
        print(f"KAFKA_BOOTSTRAP_SERVERS={broker.bootstrap_servers}", flush=True)
        assert broker._proc is not None
        code = broker._proc.wait()
        _err(f"Kafka exited by itself with code {code}\n{broker.log_tail()}")
        return 1
    except KeyboardInterrupt:
        _err("stopping")
        return 0
    finally:
        broker.close()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m processors.devtools.devbroker",
        description="A single-node Apache Kafka broker (KRaft) from Maven jars, for development.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("jars", help="resolve the Kafka jars into the cache and print their dir")
    p.set_defaults(func=cmd_jars)

    p = sub.add_parser("start", help="start a detached broker; print KAFKA_BOOTSTRAP_SERVERS=")
    p.add_argument("--state-dir", required=True, help="config, data, logs, pid file")
    p.add_argument("--port", type=int, default=None, help="client port (default: free port)")
    p.add_argument("--timeout", type=float, default=90.0, help="startup timeout, seconds")
    p.set_defaults(func=cmd_start)

    p = sub.add_parser("stop", help="stop the detached broker of a state dir")
    p.add_argument("--state-dir", required=True)
    p.add_argument("--timeout", type=float, default=30.0, help="SIGKILL after this many seconds")
    p.set_defaults(func=cmd_stop)

    p = sub.add_parser("run", help="run a broker in the foreground until Ctrl-C")
    p.add_argument("--state-dir", default=None, help="default: a temp dir, removed afterwards")
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--timeout", type=float, default=90.0)
    p.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokerError as exc:
        _err(str(exc))
        return 1
