"""The command line imports only what its command and source need (issue 15).

Each case runs ``python -X importtime -m processors.entrypoints.cli ...`` as a user would and
reads the modules the process imported from Python's own import log, so the guard holds
whatever the machine's speed: ``pitchstream --help`` and ``normalize``/``match-info`` of a
StatsBomb match load no pandas, Faust, Kafka client, Prometheus or structlog.
"""

from __future__ import annotations

import pytest

from tests.cli_run import run_cli
from tests.paths import metrica_dir
from tests.paths import statsbomb_dir

HEAVY = frozenset(
    (
        "pandas",
        "numpy",
        "faust",
        "mode",
        "aiokafka",
        "confluent_kafka",
        "prometheus_client",
        "structlog",
        "statsbombpy",
    )
)
FOLDERS = {
    "PITCHSTREAM_STATSBOMB_DIR": statsbomb_dir(),
    "PITCHSTREAM_METRICA_DIR": metrica_dir(),
}


def imported_modules(*arguments: str) -> list[str]:
    """The modules a ``pitchstream <arguments>`` process imported, in order."""
    result = run_cli(*arguments, folders=FOLDERS, python_options=("-X", "importtime"))
    log = result.stderr.decode()
    assert result.returncode == 0, log
    names = [
        line.rsplit("|", 1)[1].strip()
        for line in log.splitlines()
        if line.startswith("import time:")
    ]
    assert "argparse" in names, log  # the log is there: the checks below mean something
    return names


def imported_packages(*arguments: str) -> set[str]:
    """The top-level packages a ``pitchstream <arguments>`` process imported."""
    return {name.split(".")[0] for name in imported_modules(*arguments)}


@pytest.mark.parametrize(
    "arguments",
    [
        ("--help",),
        ("normalize", "--source", "statsbomb", "--match-id", "3788741"),
        ("match-info", "--source", "statsbomb", "--match-id", "3788741"),
    ],
    ids=["help", "normalize-statsbomb", "match-info-statsbomb"],
)
def test_a_command_imports_no_heavy_library_it_does_not_use(arguments):
    assert imported_packages(*arguments) & HEAVY == set()


def test_help_imports_neither_the_contracts_nor_the_domain():
    packages = imported_packages("--help")
    assert "processors" in packages
    assert packages & {"contracts", "domain", "msgspec"} == set()


def test_normalize_imports_only_the_provider_it_reads():
    modules = imported_modules("normalize", "--source", "statsbomb", "--match-id", "3788741")
    providers = {m.split(".")[2] for m in modules if m.startswith("processors.adapters.")}
    assert "statsbomb" in providers
    assert providers & {"metrica", "wyscout", "statsperform"} == set()


def test_the_guard_sees_a_heavy_import_where_the_source_needs_one():
    """Metrica's reader uses pandas: the same check finds it there."""
    packages = imported_packages("normalize", "--source", "metrica", "--match-id", "Sample_Game_1")
    assert "pandas" in packages
