"""Where the shared real data lives: ``../shared/data`` beside the repository."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """The shared data folder; a missing one fails the tests that need it, loudly."""
    configured = os.environ.get("PITCHSTREAM_SHARED_DATA")
    path = Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"
    if not (path / "statsbomb-open-data").is_dir():
        raise FileNotFoundError(
            f"shared test data not found at {path}; clone the repo beside shared/ "
            "or set PITCHSTREAM_SHARED_DATA"
        )
    return path


def statsbomb_dir() -> Path:
    return shared_data_dir() / "statsbomb-open-data"


def metrica_dir() -> Path:
    return shared_data_dir() / "metrica-sample-data" / "data"


def wyscout_dir() -> Path:
    return shared_data_dir() / "wyscout" / "v2"


def statsperform_dir() -> Path:
    return shared_data_dir() / "statsperform"


SP_MATCH = "71pif9hi2vwzp6q0xzilyxst0"
"""The Stats Perform sample (MA1 + MA3): Hamburger SV 2-1 Sandhausen."""
WY_MATCH = "2499773"
"""The Wyscout v2 sample: Leicester City 2-3 Liverpool."""
