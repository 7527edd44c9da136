"""``inklusi synth``: write a synthetic population to Parquet (registered in ``inklusi.cli``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from inklusi.console import console, say
from inklusi.i18n import msg
from inklusi.synth.config import DEFAULT_AS_OF, DEFAULT_CHUNK_HOUSEHOLDS, SynthConfig


def synth(
    households: Annotated[
        int, typer.Option("--households", "-n", help="Number of households", min=1)
    ] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files")] = 7,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the Parquet files")] = Path(
        "synth-data"
    ),
    duplicate_share: Annotated[
        float, typer.Option(help="Share of households enumerated twice", min=0, max=1)
    ] = 0.03,
    survey_share: Annotated[
        float, typer.Option(help="Share of households in the survey sample", min=0, max=1)
    ] = 0.015,
    rounds: Annotated[int, typer.Option(help="Enumeration rounds (2+ adds later rounds)", min=1)] = 1,
    round_interval_days: Annotated[int, typer.Option(help="Days between rounds", min=1)] = 365,
    as_of: Annotated[
        str, typer.Option(help="Reference date of the first round (YYYY-MM-DD)")
    ] = DEFAULT_AS_OF.isoformat(),
    chunk_households: Annotated[
        int, typer.Option(help="Households per chunk (memory)", min=1)
    ] = DEFAULT_CHUNK_HOUSEHOLDS,
) -> None:
    """Generate a synthetic Indonesian population (households, persons, survey sample, truth, duplicates)."""
    from inklusi.synth.output import generate  # numpy/pyarrow load only when the command runs

    config = SynthConfig(
        households=households,
        seed=seed,
        as_of=date.fromisoformat(as_of),
        survey_share=survey_share,
        duplicate_share=duplicate_share,
        rounds=rounds,
        round_interval_days=round_interval_days,
        chunk_households=chunk_households,
    )
    columns = (TextColumn("[bold]synth"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("households", total=households)
        report = generate(config, out, progress=lambda done, total: progress.update(task, completed=done))
    households_written, persons_written = report.rows["households"], report.rows["persons"]
    say(
        msg(
            "Wrote {households:,} households and {persons:,} persons to {folder} in {seconds:.1f} s",
            households=households_written,
            persons=persons_written,
            folder=str(out),
            seconds=report.seconds,
        )
    )
