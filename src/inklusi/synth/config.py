"""What a synthetic population run is asked to make: size, seed, shares of errors, rounds, dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_AS_OF = date(2025, 6, 30)  # mid-2025: the year of the population figures (penduduk_2025)
DEFAULT_CHUNK_HOUSEHOLDS = 100_000
MAX_AGE = 95  # older ages make a two-digit NIK birth year ambiguous (19YY read as 20YY), see docs


@dataclass(frozen=True)
class SynthConfig:
    """One generator run. Output is a pure function of every field here (and the package version)."""

    households: int
    seed: int = 7
    as_of: date = DEFAULT_AS_OF
    survey_share: float = 0.015  # SUSENAS-like sample, share of households
    duplicate_share: float = 0.03  # households enumerated a second time, with noise
    rounds: int = 1  # 1 = the first enumeration only; 2+ adds later rounds
    round_interval_days: int = 365
    chunk_households: int = DEFAULT_CHUNK_HOUSEHOLDS
    pilot_households: int = 2_000  # per province and urban/rural stratum, for calibration

    def __post_init__(self) -> None:
        if self.households < 1:
            raise ValueError("households must be at least 1")
        if not 0 <= self.survey_share <= 1 or not 0 <= self.duplicate_share <= 1:
            raise ValueError("shares must lie between 0 and 1")
        if self.rounds < 1:
            raise ValueError("rounds must be at least 1")
        if self.chunk_households < 1:
            raise ValueError("chunk_households must be at least 1")

    @property
    def chunks(self) -> int:
        return -(-self.households // self.chunk_households)

    def round_date(self, round_number: int) -> date:
        """The reference date of enumeration round ``round_number`` (1-based)."""
        return self.as_of + timedelta(days=self.round_interval_days * (round_number - 1))
