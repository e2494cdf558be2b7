"""A real single-node Apache Kafka broker for development and tests, without Docker.

The broker is Apache Kafka itself (``org.apache.kafka:kafka_2.13``, see ``pom.xml`` next to
this file), resolved from Maven Central into a cache outside the git tree and run with the
local ``java`` (17+) in KRaft combined mode (broker + controller, node id 1) on 127.0.0.1,
on free ports. Standard library only: it runs before, and without, the project venv.

Command line::

    python -m processors.devtools.devbroker jars
        Resolve the jars (once; later runs are instant) and print their directory:
        ${PITCHSTREAM_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/pitchstream}/kafka-<version>/libs

    python -m processors.devtools.devbroker start --state-dir DIR [--port N]
        Start a detached broker (it outlives this command), write DIR/broker.pid and
        DIR/bootstrap, print ``KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:<port>`` and exit 0 once the
        broker answers Kafka requests. Data, config and logs stay in DIR, so a later start on
        the same DIR keeps topics (and reuses the previous ports when they are free).
        Starting an already running broker prints its address and exits 0.

    python -m processors.devtools.devbroker stop --state-dir DIR
        SIGTERM the broker (controlled shutdown), SIGKILL after 30 s. No error if not running.

    python -m processors.devtools.devbroker run [--state-dir DIR] [--port N]
        Run in the foreground until Ctrl-C (state in a temp dir, removed afterwards, unless
        --state-dir is given).

In ``DIR``: ``server.properties``, ``data/`` (log.dirs), ``broker.log`` (log4j, WARN and up),
``java.out`` (the JVM's stdout/stderr), ``broker.pid``, ``bootstrap``.

From Python::

    from processors.devtools.devbroker import DevBroker

    with DevBroker() as broker:          # fresh temp state dir, removed on exit
        broker.bootstrap_servers         # "127.0.0.1:PORT"
        broker.restart()                 # same ports, same data

Environment: ``PITCHSTREAM_CACHE_DIR`` (jar cache root), ``JAVA_HOME`` (else ``java`` on PATH),
``DEVBROKER_JAVA_OPTS`` (extra JVM options, split on whitespace).
"""

from processors.devtools.devbroker.broker import KAFKA_VERSION
from processors.devtools.devbroker.broker import BrokerError
from processors.devtools.devbroker.broker import DevBroker
from processors.devtools.devbroker.broker import ensure_jars
from processors.devtools.devbroker.broker import jars_dir
from processors.devtools.devbroker.broker import stop_pidfile

__all__ = [
    "KAFKA_VERSION",
    "BrokerError",
    "DevBroker",
    "ensure_jars",
    "jars_dir",
    "stop_pidfile",
]
