"""Jar resolution and the DevBroker process wrapper (standard library only).

See the package docstring (``processors/devtools/devbroker/__init__.py``) for usage.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

PACKAGE_DIR = Path(__file__).resolve().parent
POM = PACKAGE_DIR / "pom.xml"
LOG4J_CONFIG_NAME = "log4j2.properties"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.11.0"
MARKER = ".complete"

STARTUP_TIMEOUT = 90.0
STOP_TIMEOUT = 30.0
POLL_INTERVAL = 0.1
HOST = "127.0.0.1"
NODE_ID = 1


def _pom_kafka_version() -> str:
    match = re.search(r"<kafka\.version>\s*([^<\s]+)\s*</kafka\.version>", POM.read_text())
    if not match:
        raise RuntimeError(f"no <kafka.version> in {POM}")
    return match.group(1)


KAFKA_VERSION = _pom_kafka_version()


class BrokerError(RuntimeError):
    """The broker could not be resolved, formatted, started or stopped."""


# --------------------------------------------------------------------------------------------
# Jars
# --------------------------------------------------------------------------------------------


def cache_root() -> Path:
    """``${PITCHSTREAM_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/pitchstream}``."""
    explicit = os.environ.get("PITCHSTREAM_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    return Path(xdg).expanduser() / "pitchstream"


def jars_dir() -> Path:
    return cache_root() / f"kafka-{KAFKA_VERSION}" / "libs"


def _pom_digest() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def _jars_complete(libs: Path, digest: str) -> bool:
    try:
        return (libs / MARKER).read_text().strip() == digest
    except OSError:
        return False


def ensure_jars() -> Path:
    """Resolve Kafka and its runtime dependencies into the cache; return the jar directory.

    Resolution goes into a temporary sibling directory that is renamed into place once Maven
    succeeded, with a marker file holding the pom's digest: an interrupted run leaves nothing
    half-done behind, and a later run with the same pom returns at once.
    """
    libs = jars_dir()
    digest = _pom_digest()
    if _jars_complete(libs, digest):
        return libs
    parent = libs.parent
    parent.mkdir(parents=True, exist_ok=True)
    with open(parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be resolving right now
        if _jars_complete(libs, digest):
            return libs
        mvn = shutil.which("mvn")
        if mvn is None:
            raise BrokerError("Maven (mvn) is not on PATH; it is needed once to fetch Kafka")
        tmp = Path(tempfile.mkdtemp(prefix="libs.tmp-", dir=parent))
        try:
            cmd = [
                mvn, "-q", "-B", "-f", str(POM),
                f"{DEPENDENCY_PLUGIN}:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={tmp}",
            ]  # fmt: skip
            proc = subprocess.run(
                cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
            )
            if proc.returncode != 0:
                raise BrokerError(
                    f"{' '.join(cmd)} failed with exit code {proc.returncode}:\n"
                    + _tail_text(proc.stdout + proc.stderr)
                )
            if not list(tmp.glob(f"kafka_2.13-{KAFKA_VERSION}.jar")):
                raise BrokerError(f"Maven ran but {tmp} holds no kafka_2.13-{KAFKA_VERSION}.jar")
            (tmp / MARKER).write_text(digest + "\n")
            if libs.exists():  # stale (other pom) or incomplete: move aside, then drop
                old = Path(tempfile.mkdtemp(prefix="libs.old-", dir=parent))
                os.rename(libs, old / "libs")
                shutil.rmtree(old, ignore_errors=True)
            os.rename(tmp, libs)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return libs


# --------------------------------------------------------------------------------------------
# Kafka wire protocol: just enough to ask "are you up?"
# --------------------------------------------------------------------------------------------


class _NotReady(Exception):
    pass


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise _NotReady("connection closed")
        buf += chunk
    return bytes(buf)


def _request(sock: socket.socket, api_key: int, version: int, corr: int, body: bytes) -> bytes:
    """Send one request with a v1 (non-flexible) header; return the response body."""
    client_id = b"devbroker"
    header = struct.pack(">hhih", api_key, version, corr, len(client_id)) + client_id
    payload = header + body
    sock.sendall(struct.pack(">i", len(payload)) + payload)
    (size,) = struct.unpack(">i", _recv_exact(sock, 4))
    response = _recv_exact(sock, size)
    (got_corr,) = struct.unpack_from(">i", response, 0)
    if got_corr != corr:
        raise _NotReady(f"correlation id {got_corr} != {corr}")
    return response[4:]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def unpack(self, fmt: str) -> tuple[int, ...]:
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return values

    def int16(self) -> int:
        return self.unpack(">h")[0]

    def int32(self) -> int:
        return self.unpack(">i")[0]

    def nullable_string(self) -> str | None:
        n = self.int16()
        if n < 0:
            return None
        value = self.data[self.pos : self.pos + n].decode()
        self.pos += n
        return value


_corr = 0


def probe(port: int, host: str = HOST, timeout: float = 2.0) -> str | None:
    """Return None when the broker at host:port answers ApiVersions (v0, error 0) and Metadata
    (v4..v8, empty topic list) listing at least one broker, including this endpoint;
    otherwise a short reason."""
    global _corr
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            _corr = (_corr + 1) % 0x7FFF0000
            r = _Reader(_request(sock, 18, 0, 0x5EED0000 + _corr % 0xFFFF, b""))
            error = r.int16()
            if error != 0:
                return f"ApiVersions error code {error}"
            versions = {}
            for _ in range(r.int32()):
                key, lo, hi = r.unpack(">hhh")
                versions[key] = (lo, hi)
            if 3 not in versions:
                return "Metadata API not offered"
            lo, hi = versions[3]
            version = max(lo, 4)  # Kafka 4 dropped Metadata v0-v3 (KIP-896)
            if version > min(hi, 8):  # v9+ are flexible versions; not spoken here
                return f"no non-flexible Metadata version in {lo}..{hi}"
            body = struct.pack(">ib", 0, 0)  # topics: empty array; allow_auto_topic_creation
            if version >= 8:
                body += b"\x00\x00"  # include cluster/topic authorized operations: false
            _corr = (_corr + 1) % 0x7FFF0000
            r = _Reader(_request(sock, 3, version, 0x5EED0000 + _corr % 0xFFFF, body))
            r.int32()  # throttle_time_ms
            brokers = []
            for _ in range(r.int32()):
                node_id = r.int32()
                b_host = r.nullable_string()
                b_port = r.int32()
                r.nullable_string()  # rack
                brokers.append((node_id, b_host, b_port))
            if not any(b_port == port for _, _, b_port in brokers):
                return f"Metadata lists brokers {brokers}, not port {port}"
            return None
    except (OSError, _NotReady, struct.error, UnicodeDecodeError) as exc:
        return f"{type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------------------------
# Process helpers
# --------------------------------------------------------------------------------------------


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and os.access(Path(home) / "bin" / "java", os.X_OK):
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise BrokerError("java (17 or newer) is not on PATH and JAVA_HOME is not set")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the JVM does
        try:
            s.bind((HOST, port))
        except OSError:
            return False
        return True


def _cluster_id() -> str:
    while True:  # base64url of 16 random bytes, like org.apache.kafka.common.Uuid
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):  # would read as a command-line option
            return cid


def _tail_text(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _tail_file(path: Path, lines: int = 40) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 64 * 1024))
            text = f.read().decode(errors="replace")
    except OSError:
        return ""
    return _tail_text(text, lines)


def _alive(pid: int) -> bool:
    """True while pid exists and is not a zombie (reaping it if it is our child)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    except ChildProcessError:
        pass  # not our child: its parent (often init) reaps it
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _terminate_group(pgid: int, timeout: float) -> None:
    """SIGTERM the process group, wait up to timeout, then SIGKILL; wait until pgid is gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pgid) and time.monotonic() < deadline:
        time.sleep(POLL_INTERVAL)
    if _alive(pgid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while _alive(pgid) and time.monotonic() < deadline:
            time.sleep(POLL_INTERVAL)
    # Anything left in the group (there should be nothing: the JVM is the only member).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _pdeathsig_preexec() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to SIGTERM the child when its parent dies (a SIGKILLed
    Python leaves no JVM behind). Only used from the main thread: the signal fires when the
    *thread* that forked exits."""
    if not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getpid()

    def preexec() -> None:
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # parent already gone before prctl took effect
            os._exit(1)

    return preexec


_LIVE: set[DevBroker] = set()


@atexit.register
def _stop_live_brokers() -> None:
    for broker in list(_LIVE):
        with contextlib.suppress(Exception):
            broker.close()


# --------------------------------------------------------------------------------------------
# DevBroker
# --------------------------------------------------------------------------------------------


class DevBroker:
    """One single-node KRaft Kafka broker (broker+controller) on 127.0.0.1.

    ``state_dir``: config, data and logs; default a fresh temp dir, deleted by ``close()`` /
    leaving the ``with`` block. ``port``: the client port (default: free port, or the one
    used last time in this state dir when it is free). ``detach=True`` (used by the CLI) lets
    the JVM outlive this Python process; otherwise it is stopped at exit at the latest.
    """

    def __init__(
        self,
        state_dir: str | os.PathLike[str] | None = None,
        *,
        port: int | None = None,
        controller_port: int | None = None,
        startup_timeout: float = STARTUP_TIMEOUT,
        stop_timeout: float = STOP_TIMEOUT,
        detach: bool = False,
    ) -> None:
        self._owns_state_dir = state_dir is None
        self.state_dir: Path | None = Path(state_dir).resolve() if state_dir else None
        self.port = port
        self.controller_port = controller_port
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.detach = detach
        self.startup_seconds: float | None = None
        self.stop_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    # -- public API ---------------------------------------------------------------------------

    @property
    def bootstrap_servers(self) -> str:
        if self.port is None:
            raise BrokerError("broker not started yet: no port chosen")
        return f"{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> DevBroker:
        if self.running:
            raise BrokerError(f"broker already running (pid {self.pid})")
        began = time.monotonic()
        libs = ensure_jars()
        java = _java()
        state = self._prepare_state_dir()
        self._choose_ports(state)
        for port in (self.port, self.controller_port):
            if port is not None and not _port_free(port):
                raise BrokerError(f"port {HOST}:{port} is already in use")
        props = self._write_config(state)
        log4j = state / LOG4J_CONFIG_NAME
        log4j.write_text(resources.files(__package__).joinpath(LOG4J_CONFIG_NAME).read_text())
        jvm_common = [
            f"-Dlog4j2.configurationFile={log4j}",
            f"-Ddevbroker.log.dir={state}",
            "-Djava.awt.headless=true",
            "-cp",
            f"{libs}/*",
        ]
        self._format_storage(java, jvm_common, props, state)
        self._launch(java, jvm_common, props, state)
        try:
            self._wait_ready(state)
        except BaseException:
            self._kill_now()
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def stop(self) -> None:
        proc = self._proc
        if proc is None:
            return
        began = time.monotonic()
        try:
            if proc.poll() is None:
                _terminate_group(proc.pid, self.stop_timeout)
            proc.wait(timeout=10)
        finally:
            self._proc = None
            _LIVE.discard(self)
            self.stop_seconds = time.monotonic() - began

    def restart(self) -> DevBroker:
        """Stop, then start on the same ports with the same data directory."""
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop, and delete the state dir if this object created it."""
        self.stop()
        if self._owns_state_dir and self.state_dir is not None:
            shutil.rmtree(self.state_dir, ignore_errors=True)
            self.state_dir = None

    def log_tail(self, lines: int = 40) -> str:
        if self.state_dir is None:
            return ""
        parts = []
        for name in ("java.out", "broker.log"):
            text = _tail_file(self.state_dir / name, lines)
            if text.strip():
                parts.append(f"--- {self.state_dir / name} (tail) ---\n{text}")
        return "\n".join(parts)

    def __enter__(self) -> DevBroker:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        where = self.bootstrap_servers if self.port else "no port"
        return f"<DevBroker {where} pid={self.pid} state_dir={self.state_dir}>"

    # -- steps --------------------------------------------------------------------------------

    def _prepare_state_dir(self) -> Path:
        if self.state_dir is None:
            self.state_dir = Path(tempfile.mkdtemp(prefix="pitchstream-broker-")).resolve()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        (self.state_dir / "data").mkdir(exist_ok=True)
        return self.state_dir

    def _choose_ports(self, state: Path) -> None:
        previous: dict[str, int] = {}
        try:
            text = (state / "server.properties").read_text()
        except OSError:
            text = ""
        for name, port in re.findall(r"(PLAINTEXT|CONTROLLER)://[^:,\s]+:(\d+)", text):
            previous.setdefault(name, int(port))
        if self.port is None:
            old = previous.get("PLAINTEXT")
            self.port = old if old and _port_free(old) else _free_port()
        if self.controller_port is None:
            old = previous.get("CONTROLLER")
            if old and old != self.port and _port_free(old):
                self.controller_port = old
            else:
                self.controller_port = _free_port()
                while self.controller_port == self.port:
                    self.controller_port = _free_port()

    def _write_config(self, state: Path) -> Path:
        p, cp = self.port, self.controller_port
        settings = {
            "process.roles": "broker,controller",
            "node.id": str(NODE_ID),
            "controller.quorum.voters": f"{NODE_ID}@{HOST}:{cp}",
            "listeners": f"PLAINTEXT://{HOST}:{p},CONTROLLER://{HOST}:{cp}",
            "advertised.listeners": f"PLAINTEXT://{HOST}:{p}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(state / "data"),
            # single node: nothing can be replicated
            "num.partitions": "1",
            "default.replication.factor": "1",
            "min.insync.replicas": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "4",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "4",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "share.coordinator.state.topic.num.partitions": "1",
            # no 3 s wait on every first group join
            "group.initial.rebalance.delay.ms": "0",
            # topics are created explicitly, with the partition counts we mean
            "auto.create.topics.enable": "false",
        }
        props = state / "server.properties"
        body = "".join(f"{k}={v}\n" for k, v in settings.items())
        props.write_text(
            "# written by processors.devtools.devbroker; rewritten on each start\n" + body
        )
        return props

    def _format_storage(self, java: str, jvm_common: list[str], props: Path, state: Path) -> None:
        if (state / "data" / "meta.properties").exists():
            return  # formatted before: keep the data (restart)
        cmd = [
            java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", *jvm_common,
            "kafka.tools.StorageTool", "format", "-t", _cluster_id(), "-c", str(props),
        ]  # fmt: skip
        proc = subprocess.run(
            cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, check=False
        )
        with open(state / "java.out", "a") as out:
            out.write(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            raise BrokerError(
                f"kafka.tools.StorageTool format failed (exit {proc.returncode}):\n"
                + _tail_text(proc.stdout + proc.stderr)
            )

    def _launch(self, java: str, jvm_common: list[str], props: Path, state: Path) -> None:
        extra = os.environ.get("DEVBROKER_JAVA_OPTS", "").split()
        cmd = [java, "-Xms256m", "-Xmx512m", *extra, *jvm_common, "kafka.Kafka", str(props)]
        with open(state / "java.out", "ab") as out:
            out.write(f"=== {time.strftime('%Y-%m-%dT%H:%M:%S')} {' '.join(cmd)}\n".encode())
            out.flush()
            self._proc = subprocess.Popen(
                cmd,
                cwd=state,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own session + process group: killpg hits only it
                preexec_fn=None if self.detach else _pdeathsig_preexec(),
            )
        if not self.detach:
            _LIVE.add(self)

    def _wait_ready(self, state: Path) -> None:
        assert self._proc is not None and self.port is not None
        deadline = time.monotonic() + self.startup_timeout
        reason: str | None = "not probed yet"
        while True:
            code = self._proc.poll()
            if code is not None:
                raise BrokerError(
                    f"Kafka exited with code {code} during startup\n{self.log_tail()}"
                )
            reason = probe(self.port)
            if reason is None:
                return
            if time.monotonic() >= deadline:
                raise BrokerError(
                    f"Kafka did not answer on {self.bootstrap_servers} within "
                    f"{self.startup_timeout:.0f} s (last: {reason})\n{self.log_tail()}"
                )
            time.sleep(POLL_INTERVAL)

    def _kill_now(self) -> None:
        proc = self._proc
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        self._proc = None
        _LIVE.discard(self)


# --------------------------------------------------------------------------------------------
# Detached brokers (CLI): pid files
# --------------------------------------------------------------------------------------------


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def running_pid(state_dir: Path) -> int | None:
    """The pid in state_dir/broker.pid if that process is alive and is our broker."""
    try:
        pid = int((state_dir / "broker.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    if not _alive(pid):
        return None
    cmdline = _cmdline(pid)
    if cmdline and (b"kafka.Kafka" not in cmdline or str(state_dir).encode() not in cmdline):
        return None  # pid recycled by something else
    return pid


def stop_pidfile(state_dir: str | os.PathLike[str], timeout: float = STOP_TIMEOUT) -> int | None:
    """Stop the detached broker of state_dir; return its pid, or None if none was running."""
    state = Path(state_dir).resolve()
    pid = running_pid(state)
    if pid is not None:
        try:
            pgid = os.getpgid(pid)
        except ProcessLookupError:
            pgid = None
        if pgid == pid:
            _terminate_group(pid, timeout)
        else:  # should not happen (started with its own session); signal just the process
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(POLL_INTERVAL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    for name in ("broker.pid", "bootstrap"):
        with contextlib.suppress(FileNotFoundError):
            (state / name).unlink()
    return pid
