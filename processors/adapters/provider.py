"""What every provider's repository shares: its loader and drop callback, mapping errors
reported as ``InvalidSourceData``, and listing a folder of match files for a backfill."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from domain import InvalidSourceData
from domain import ListedMatch
from domain import MatchRepository
from domain import MatchScope
from processors.adapters.files import MatchFilesLoader
from processors.adapters.mapping import OnDropped


@contextmanager
def mapping_errors(source: str, match_id: str) -> Iterator[None]:
    """A provider file the mapper cannot read becomes InvalidSourceData naming the match."""
    try:
        yield
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise InvalidSourceData(f"{source} match {match_id}: {error}") from None


class ProviderRepository(MatchRepository):
    """A repository over one provider's loader; mappers report drops to ``on_dropped``."""

    def __init__(self, loader: Any, *, on_dropped: OnDropped | None = None) -> None:
        self.loader = loader
        self.on_dropped = on_dropped


class FolderRepository(ProviderRepository):
    """Lists every match under the loader's root, versioned by a hash of its files."""

    loader: MatchFilesLoader

    def list_matches(self, scope: MatchScope) -> list[ListedMatch]:
        if scope.is_season:
            return super().list_matches(scope)
        return [ListedMatch(m, self.loader.version(m)) for m in self.loader.list_matches()]
