"""Fields that several v1 contracts carry with one meaning, described once."""

from __future__ import annotations

from typing import Final

from contracts.codec import field_meta

PROVIDER: Final = field_meta("The data provider")
"""``source``: the provider the data comes from (``statsbomb``, ``metrica``, ...)."""
PROVIDER_MATCH_ID: Final = field_meta("The provider's match id")
"""``match_id``: the match's id at its provider."""
