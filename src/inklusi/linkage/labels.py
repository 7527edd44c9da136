"""Words for the linkage pages and API: why a pair waits, how two values compare, why a record belongs to
its entity, what a steward decided. Pure: every code and stored comparison label maps to a message that
has its Indonesian translation, so no raw code (``between_thresholds``, ``alone``) or Splink's English
("Exact match on name_norm") reaches a person. Unknown codes (from a newer settings file) fall back to a
neutral label, never to the code itself.
"""

from __future__ import annotations

import re

from inklusi.i18n import Text, msg

PAIR_REASONS: dict[str, Text] = {
    "between_thresholds": msg("The model is unsure: the probability lies between the review thresholds"),
    "household": msg(
        "Several members of these two households look alike: perhaps one household listed twice"
    ),
    "refused:nik": msg("Strongly alike, but their NIKs differ too much"),
    "refused:sex": msg("Strongly alike, but each NIK confirms a different sex"),
    "refused:birth_date": msg("Strongly alike, but each NIK confirms a different birth date"),
    "refused:same_source": msg("Strongly alike, but both come from the same list"),
    "refused:transitive": msg("Strongly alike, but the rest of their group is not"),
    "refused:steward_separated": msg("Strongly alike, but a steward kept them apart"),
}
OTHER_REASON = msg("Left for a steward to decide")

MEMBERSHIP_REASONS: dict[str, Text] = {
    "alone": msg("No other record of this person found"),
    "nik": msg("The same valid NIK"),
    "model": msg("Linked by the model"),
    "steward": msg("Decided by a steward"),
}

DECISIONS: dict[str, Text] = {
    "match": msg("Same person"),
    "non_match": msg("Different people"),
    "merge": msg("Merged"),
    "unmerge": msg("Split"),
}

LEVELS: dict[str, Text] = {
    "missing": msg("missing on a record"),
    "All other comparisons": msg("different"),
    "same tokens, other order or spacing": msg("the same words, in another order or spacing"),
    "same phonetic key": msg("sounds the same"),
    "one name within the other, same given name": msg("one name within the other, same given name"),
    "same given name, the rest differs": msg("same given name, the rest differs"),
    "a shared token, given names differ": msg("a word in common, given names differ"),
    "swapped with the other": msg("given and family name swapped"),
    "day and month swapped": msg("day and month swapped"),
    "one digit off or two swapped": msg("one digit off or two swapped"),
    "same year and month": msg("same year and month"),
    "a year apart, same month": msg("a year apart, same month"),
    "within two years": msg("within two years"),
    "one slip: a digit mistyped or two swapped (tolerated)": msg("one digit mistyped or two swapped"),
    "two slips": msg("two digits differ"),
    "same KK (family card)": msg("same family card (KK)"),
    "same village": msg("same village"),
    "same district": msg("same district"),
    "same regency": msg("same regency"),
    "same province": msg("same province"),
    "elsewhere, same birth place": msg("another area, same birth place"),
}
_SIMILAR = re.compile(r"^Jaro(?:-Winkler)? (?:distance|similarity) of \S+ >= ([0-9.]+)$")
_EDITS = re.compile(r"^(?:Levenshtein|Damerau-Levenshtein) distance of \S+ <= ([0-9]+)$")


def pair_reason(code: str) -> Text:
    return PAIR_REASONS.get(code, OTHER_REASON)


def membership_reason(code: str) -> Text:
    return MEMBERSHIP_REASONS.get(code, msg("Linked"))


def decision(code: str) -> Text:
    return DECISIONS.get(code, msg("Decision"))


def level(label: str) -> Text:
    """A comparison level as a steward reads it (Splink's labels and ours)."""
    if label in LEVELS:
        return LEVELS[label]
    if label.startswith("Exact match"):
        return msg("the same")
    if found := _SIMILAR.match(label):
        return msg("similar spelling (similarity {value} or more)", value=found.group(1))
    if found := _EDITS.match(label):
        return msg("at most {n} letters differ", n=found.group(1))
    return msg("partly alike")
