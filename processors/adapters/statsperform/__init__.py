"""Stats Perform (Opta) adapter: MA3 events + MA1 match info from a folder or a URL base."""

from processors.adapters.files import files_for
from processors.adapters.statsperform.loaders import StatsPerformLoader
from processors.adapters.statsperform.repository import StatsPerformRepository


def statsperform_repository(location: str) -> StatsPerformRepository:
    """``PITCHSTREAM_STATSPERFORM_DIR``: a folder holding ``ma3/`` and ``ma1/``, or a URL base."""
    return StatsPerformRepository(StatsPerformLoader(files_for("statsperform", location)))


__all__ = ["StatsPerformLoader", "StatsPerformRepository", "statsperform_repository"]
