"""Field types shared by request schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, BeforeValidator


def iso_text(value: object) -> object:
    """Dates and times arrive as ISO 8601 text; pydantic alone would also take 0 as 1970-01-01."""
    if isinstance(value, (date, datetime)):
        return value
    if not isinstance(value, str) or value.strip().lstrip("+-").replace(".", "", 1).isdigit():
        raise ValueError("use an ISO 8601 date or date-time, e.g. 2026-11-26T00:00:00Z")
    return value


IsoDate = Annotated[date, BeforeValidator(iso_text)]
IsoDateTime = Annotated[datetime, BeforeValidator(iso_text)]
IsoAwareDateTime = Annotated[AwareDatetime, BeforeValidator(iso_text)]
