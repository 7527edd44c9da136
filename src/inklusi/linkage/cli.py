"""``inklusi linkage …``: run linkage over the registry, evaluate on any labelled file, work the queue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer
from rich.table import Table

from inklusi.access.model import Principal
from inklusi.console import console, open_context, reporting_errors, say, settings, showing_steps
from inklusi.i18n import msg
from inklusi.linkage.model import DecisionKind, LinkType

if TYPE_CHECKING:
    from inklusi.linkage.evaluation import Evaluation

# The linkage service pulls in Splink, DuckDB and SciPy: each command imports it when it runs, so that
# `inklusi --help` stays fast.

linkage = typer.Typer(
    help="Record linkage: de-duplicate people and households, review pairs, evaluate.", no_args_is_help=True
)
SYSTEM = Principal.system("cli")


@linkage.command("run")
def run(
    settings_name: Annotated[str, typer.Option("--settings", help="Packaged linkage settings")] = "persons",
    incremental: Annotated[
        bool, typer.Option(help="Only persons no entity holds yet, with the last model")
    ] = False,
) -> None:
    """Link every current person and household of the registry (or only new persons)."""
    from inklusi.linkage import service

    with open_context() as ctx, showing_steps() as step:
        runner = service.link_new_persons if incremental else service.link_registry
        summary = runner(ctx, SYSTEM, settings=settings_name, progress=step)
    say(
        msg(
            "{records:,} records, {pairs:,} pairs scored, {links:,} links, {entities:,} persons, "
            "{households:,} households, {review:,} pairs to review",
            records=summary.records,
            pairs=summary.pairs_scored,
            links=summary.links,
            entities=summary.person_entities,
            households=summary.household_entities,
            review=summary.review_pairs,
        ),
        "green",
    )


def _quality_row(table: Table, label: str, quality: dict) -> None:
    threshold = quality.get("threshold")
    table.add_row(
        label,
        "" if threshold is None else f"{threshold:.6g}",
        f"{quality['precision']:.4f}",
        f"{quality['recall']:.4f}",
        f"{quality['f1']:.4f}",
        f"{quality['predicted_pairs']:,}",
    )


def _print(evaluation: Evaluation) -> None:
    data = evaluation.as_dict()
    console.print(
        f"{data['settings']} · {data['records']:,} records · {data['true_pairs']:,} true pairs · "
        f"{data['pairs_scored']:,} pairs scored · blocking recall {data['blocking_recall']:.4f} · "
        f"{data['clusters']['count']:,} clusters"
    )
    table = Table(title="Linkage quality")
    for column in ("", "threshold", "precision", "recall", "F1", "pairs"):
        table.add_column(column, justify="right" if column else "left")
    _quality_row(table, "pairs at the auto-merge threshold", data["pairwise_at_threshold"])
    _quality_row(table, "pairs at the best threshold", data["pairwise_at_best_threshold"])
    _quality_row(table, "pairs implied by the clusters", data["clusters"])
    _quality_row(table, "connected components at the threshold", data["connected_components_at_threshold"])
    console.print(table)
    if "trade_off" in data:
        sweep = Table(title="Trade-off: pairwise F1 vs cluster F1")
        for column in ("threshold", "pairwise F1", "connected components F1 (P)", "constrained F1 (P)"):
            sweep.add_column(column, justify="right")
        for row in data["trade_off"]:
            cc, constrained = row["connected_components"], row["constrained"]
            sweep.add_row(
                f"{row['threshold']:.6g}",
                f"{row['pairwise']['f1']:.4f}",
                f"{cc['f1']:.4f} ({cc['precision']:.4f})",
                f"{constrained['f1']:.4f} ({constrained['precision']:.4f})",
            )
        console.print(sweep)
    if "training" in data:
        _print_training(
            data["training"], data.get("review_pairs", 0), data.get("review_pairs_same_person", 0)
        )
    console.print("seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in data["seconds"].items()))


TRAINING_PATHS = {
    "identifiers": msg("pairs sharing an identity number"),
    "expectation maximisation": msg("expectation maximisation (no identity numbers)"),
    "names": msg("pairs with the same names and birth date"),
}


def _print_training(training: dict, review: int, same: int) -> None:
    """Which path trained the model, the blocking rules added for weak identifiers, the threshold."""
    path = TRAINING_PATHS.get(training["path"], msg("unknown"))
    say(
        msg(
            "Model trained from {path}; {added} blocking rules added for weak identifiers "
            "({comparisons} comparisons per record); auto-merge threshold {threshold}; "
            "{review:,} pairs to review (one for each two groups kept apart; "
            "{same:,} of them the same person)",
            path=path.render(settings().language),
            added=len(training["blocking_rules_added"]),
            comparisons=training["comparisons_per_record"],
            threshold=f"{training['auto_merge']:.4g}",
            review=review,
            same=same,
        )
    )


@linkage.command("evaluate")
def evaluate(
    file: Annotated[Path, typer.Argument(help="CSV or Parquet file of labelled person records")],
    id_column: Annotated[str, typer.Option("--id", help="The column with a unique record id")],
    truth_column: Annotated[
        str, typer.Option("--truth", help="The column with the true entity of each record")
    ],
    mapping: Annotated[
        str,
        typer.Option(
            "--map",
            help="ROLE=COLUMN,… Roles: given_name, family_name, full_name, birth_date, sex, nik, kk, "
            "village_code, postcode, address, birth_place, phone, id_number, source, extra:NAME",
        ),
    ],
    settings_name: Annotated[
        str, typer.Option("--settings", help="Packaged settings or a YAML file")
    ] = "persons",
    link_type: Annotated[
        LinkType | None, typer.Option(help="Default: link_only with a source column, else dedupe_only")
    ] = None,
    sweep: Annotated[bool, typer.Option(help="Show the threshold trade-off table")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Precision, recall and F1 of pairs and clusters, blocking recall and time on a labelled file."""
    from inklusi.linkage import service

    with reporting_errors():
        evaluation = service.evaluate_file(
            file,
            id_column=id_column,
            truth_column=truth_column,
            mapping=mapping,
            settings=settings_name,
            link_type=link_type,
            sweep=sweep,
        )
    if as_json:
        console.print_json(json.dumps(evaluation.as_dict()))
    else:
        _print(evaluation)


@linkage.command("queue")
def queue(limit: Annotated[int, typer.Option(min=1, max=500)] = 20) -> None:
    """Pairs waiting for a steward, with the evidence."""
    from inklusi.linkage import service

    with open_context() as ctx:
        pending = service.review_queue(ctx, SYSTEM, limit=limit)
    say(msg("{n:,} pairs waiting", n=pending.total))
    for pair in pending.pairs:
        console.print(f"[bold]{pair.id}[/] p={pair.match_probability:.4f} {pair.reason}")
        for item in pair.evidence:
            left, right = item.left or "—", item.right or "—"
            console.print(f"   {item.field:12} {left:30} {right:30} {item.level} ({item.match_weight:+.1f})")


@linkage.command("decide")
def decide(
    pair_id: UUID,
    decision: Annotated[DecisionKind, typer.Argument(help="match or non_match")],
    note: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Decide a pair: the same person, or not."""
    from inklusi.linkage import service

    with open_context() as ctx:
        service.decide(ctx, SYSTEM, pair_id, decision, note)
    say(msg("Decision saved"), "green")


@linkage.command("merge")
def merge(first: UUID, second: UUID, note: Annotated[str | None, typer.Option()] = None) -> None:
    """Merge two entities (the older id stays)."""
    from inklusi.linkage import service

    with open_context() as ctx:
        kept = service.merge_entities(ctx, SYSTEM, first, second, note)
    say(msg("Merged into {id}", id=str(kept)), "green")


@linkage.command("unmerge")
def unmerge(entity_id: UUID, records: list[UUID], note: Annotated[str | None, typer.Option()] = None) -> None:
    """Split records off an entity into a new one."""
    from inklusi.linkage import service

    with open_context() as ctx:
        created = service.unmerge(ctx, SYSTEM, entity_id, records, note)
    say(msg("Split off into {id}", id=str(created)), "green")
