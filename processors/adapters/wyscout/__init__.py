"""Wyscout adapter (API v2 event files from a folder or a URL base), and a pure mapper."""

from processors.adapters.files import files_for
from processors.adapters.wyscout.loaders import WyscoutLoader
from processors.adapters.wyscout.repository import WyscoutRepository


def wyscout_repository(location: str) -> WyscoutRepository:
    """``PITCHSTREAM_WYSCOUT_DIR``: a folder of ``<match id>.json`` files or an http(s) base."""
    return WyscoutRepository(WyscoutLoader(files_for("wyscout", location)))


__all__ = ["WyscoutLoader", "WyscoutRepository", "wyscout_repository"]
