"""Checked submissions as the registry reads them: one :class:`RoundForm` per family form, members as
:class:`RoundMember`, answers moved to the registry fields the instrument's ``target``s name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from inklusi.instrument.model import YES, Instrument
from inklusi.instrument.submissions import SUBMISSION_ID, Submissions
from inklusi.registry.enumeration import Presence, RoundForm, RoundMember
from inklusi.registry.model import Dwelling, PersonData, Relationship
from inklusi.wilayah.nik import Sex

# Codes to enum members by dictionary (calling an Enum per answer is slow at a million members); the
# answers were checked against the code lists already.
PRESENCE = {member.value: member for member in Presence}
SEX = {member.value: member for member in Sex}
RELATIONSHIP = {member.value: member for member in Relationship}


def round_forms(passed: Submissions, instrument: Instrument) -> list[RoundForm]:
    """Every form, sorted so that the families of one building come together."""
    members: dict[str, list[dict]] = defaultdict(list)
    in_order = passed.members.sort_by([(SUBMISSION_ID, "ascending"), ("r401", "ascending")])
    for row in in_order.to_pylist():
        members[row[SUBMISSION_ID]].append(row)
    targets = _Targets(instrument)
    forms = [targets.form(row, members.get(row[SUBMISSION_ID], [])) for row in passed.families.to_pylist()]
    return sorted(forms, key=lambda form: (form.household_key[0], form.household_key[1] or "", form.building))


def chunks_by_building(forms: list[RoundForm], size: int) -> Iterator[list[RoundForm]]:
    """Chunks of about ``size`` forms that never split a building."""
    chunk: list[RoundForm] = []
    for form in forms:
        if len(chunk) >= size and form.household_key != chunk[-1].household_key:
            yield chunk
            chunk = []
        chunk.append(form)
    if chunk:
        yield chunk


class _Targets:
    def __init__(self, instrument: Instrument) -> None:
        self.dwelling = instrument.targets("household")
        self.assets = instrument.targets("asset")
        self.yes_no = {q.code for q in instrument.questions if q.type == "yes_no"}
        self.family_programmes = instrument.targets("family_programme")
        self.person = instrument.targets("person")
        self.person_programmes = instrument.targets("person_programme")

    def form(self, row: dict, members: list[dict]) -> RoundForm:
        village = ".".join(row[code] for code in ("r101", "r102", "r103", "r104"))
        dwelling = Dwelling(village_code=village, **{name: row[code] for code, name in self.dwelling.items()})
        assets = {
            key: (1.0 if row[code] == YES else 0.0) if code in self.yes_no else float(row[code] or 0)
            for code, key in self.assets.items()
            if row[code] is not None
        }
        return RoundForm(
            submission_id=row[SUBMISSION_ID],
            building=row["r109"],
            dwelling=dwelling,
            assets=assets,
            kk_number=row["r114"],
            programmes=frozenset(key for code, key in self.family_programmes.items() if row[code] == YES),
            members=tuple(map(self.member, members)),  # in member order already
        )

    def member(self, row: dict) -> RoundMember:
        presence = PRESENCE[row["r404"]]
        if not presence.present:
            return RoundMember(presence, row["r402"], row["r403"], row["r406"], number=row["r401"])
        values = {name: row[code] for code, name in self.person.items()}
        values["sex"] = SEX[values["sex"]]
        programmes = frozenset(key for code, key in self.person_programmes.items() if row[code] == YES)
        person = PersonData(**values, programmes=programmes)
        relationship = RELATIONSHIP[row["r409"]]
        return RoundMember(
            presence, row["r402"], row["r403"], row["r406"], relationship, person, number=row["r401"]
        )
