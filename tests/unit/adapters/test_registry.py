"""``processors.adapters.registry``: one line per provider, imported when first used."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from contracts.v1.ingest_request import SOURCES
from processors.adapters.registry import PROVIDERS
from processors.adapters.registry import LazyRepositories
from processors.adapters.registry import build_repository
from processors.settings import Settings
from tests.paths import REPO_ROOT


def test_every_source_of_the_contract_has_a_provider_and_no_other():
    assert tuple(PROVIDERS) == SOURCES  # the CLI's --source choices are SOURCES, in this order


@pytest.mark.parametrize("source", SOURCES)
def test_each_providers_module_builds_its_repository_from_settings(source):
    assert callable(importlib.import_module(PROVIDERS[source]).repository_from_settings)


def test_an_unconfigured_provider_has_no_repository_and_an_unknown_source_is_a_key_error():
    assert build_repository(Settings(wyscout_dir=""), "wyscout") is None
    with pytest.raises(KeyError):
        build_repository(Settings(), "opta")


def test_importing_the_registry_imports_no_provider():
    code = (
        "import sys, processors.adapters.registry; "
        "print(sorted(m for m in sys.modules if m.startswith('processors.adapters.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=REPO_ROOT, check=True, timeout=60
    )
    assert result.stdout.decode().strip() == "['processors.adapters.registry']"


def test_the_workers_repositories_build_a_provider_when_its_source_is_first_asked_for():
    code = (
        "import sys\n"
        "from processors.adapters.registry import LazyRepositories\n"
        "from processors.settings import Settings\n"
        "repositories = LazyRepositories(Settings())\n"
        "print(type(repositories['statsbomb']).__name__)\n"
        "print('pandas' in sys.modules, 'processors.adapters.metrica.repository' in sys.modules)\n"
        "repositories.get('metrica')\n"
        "print('pandas' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, cwd=REPO_ROOT, check=True, timeout=60
    )
    assert result.stdout.decode().split("\n")[:3] == ["StatsBombRepository", "False False", "True"]


def test_the_workers_repositories_hold_only_configured_providers():
    settings = Settings(wyscout_dir="")
    repositories = LazyRepositories(settings)
    assert repositories.get("wyscout") is None and repositories.get("opta") is None
    with pytest.raises(KeyError):
        repositories["wyscout"]
    assert "statsbomb" in repositories and "wyscout" not in repositories
    configured = [s for s in PROVIDERS if build_repository(settings, s) is not None]
    assert "wyscout" not in configured and "statsbomb" in configured
    assert list(repositories) == configured and len(repositories) == len(configured)
