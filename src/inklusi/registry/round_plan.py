"""Planning one chunk of an enumeration round: the versions to end and write, and the forms to hold.

Pure: :func:`plan` takes the chunk's forms and what the registry holds about them (:class:`RoundLookups`,
read in a few set lookups by :func:`inklusi.registry.store.rounds.lookups_for`), and decides;
:func:`inklusi.registry.service.rounds.apply_round_chunk` reads, plans and writes.

Families are recognised by their KK number, people by their NIK (or, inside a recognised family, by
name and birth date); households are the families sharing a building (village, SLS, building number).
A household whose families now live in several buildings is split (the largest part keeps it); several
households now in one building are merged (the first keeps its id, the others end). Only what changed
gets a new version; importing the same round twice changes nothing. Members listed as dead leave the
registry's current state (their history stays); members listed as gone leave their family.

A form is applied whole or not at all: a form that would change a family or person outside the
importer's write scope (matched by KK number, NIK, or name and birth date inside a matched family), that
repeats a KK number or person of another form of the round, that would give a family a second head, or
that is older than the registry's data is held with its reasons (``RoundState.held``), and the other forms
go in. A chunk's decisions (:attr:`Plan.decided`) join the round's state only once its writes went
through, so a caller can undo a chunk (a savepoint) and apply it again in parts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from inklusi.access.model import Scope
from inklusi.errors import Conflict
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.registry.enumeration import Presence, RoundForm, RoundHold, RoundMember, RoundState
from inklusi.registry.model import Dwelling, PersonData, Relationship
from inklusi.registry.names import name_tokens

BIRTH_WINDOW = timedelta(days=400)  # a new member born this recently is a birth, not a newcomer

# --- What the registry holds now (the lookups) ----------------------------------------------------------


@dataclass(frozen=True)
class CurrentHousehold:
    version_id: UUID
    household_id: UUID
    valid_from: datetime
    dwelling: Dwelling
    assets: Mapping[str, float]  # the assets held (none: not listed)


@dataclass(frozen=True)
class CurrentFamily:
    version_id: UUID
    family_id: UUID
    household_id: UUID
    kk_number: str | None
    programmes: frozenset[str]


@dataclass(frozen=True)
class CurrentPerson:
    version_id: UUID
    person_id: UUID
    valid_from: datetime
    data: PersonData  # with the version's programmes


@dataclass(frozen=True)
class CurrentMembership:
    version_id: UUID
    person_id: UUID
    family_id: UUID
    relationship: int


@dataclass(frozen=True)
class FamilyMember:
    """A current member of a family a form names by KK number, as the registry knows them."""

    person_id: UUID
    family_id: UUID
    relationship: int
    name: str
    birth_date: date | None


@dataclass(frozen=True)
class RoundLookups:
    """Everything the registry holds that a chunk of forms may refer to, current versions only."""

    families: Mapping[str, CurrentFamily]  # by KK number: the families the forms name
    persons: Mapping[str, CurrentPerson]  # by NIK: the persons the forms name
    members: tuple[FamilyMember, ...]  # the members of those families
    memberships: Mapping[UUID, CurrentMembership]  # by person id: of the persons and the members
    families_by_id: Mapping[UUID, CurrentFamily]  # those families, and the families of those persons
    households: Mapping[UUID, CurrentHousehold]  # the households of all these families
    person_versions: Mapping[UUID, CurrentPerson]  # by person id: the persons and the members
    last_villages: Mapping[UUID, str]  # persons by NIK without a family: the village they lived in last


# --- What to write (the plan) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewHousehold:
    household_id: UUID
    dwelling: Dwelling
    assets: Mapping[str, float]


@dataclass(frozen=True)
class NewFamily:
    family_id: UUID
    household_id: UUID
    kk_number: str | None
    programmes: frozenset[str]


@dataclass(frozen=True)
class NewPerson:
    person_id: UUID
    data: PersonData


@dataclass(frozen=True)
class NewMembership:
    family_id: UUID
    person_id: UUID
    relationship: Relationship


KINDS = ("household", "family", "person", "membership")


@dataclass
class RoundWrites:
    """The writes of a chunk: versions to end, new identities, new versions (in the order to insert them)
    and the name index's changes."""

    ended: dict[str, list[UUID]] = field(default_factory=dict)  # kind → version ids to end
    identities: dict[str, list[UUID]] = field(default_factory=dict)  # kind → new ids
    households: list[NewHousehold] = field(default_factory=list)
    families: list[NewFamily] = field(default_factory=list)
    persons: list[NewPerson] = field(default_factory=list)
    memberships: list[NewMembership] = field(default_factory=list)
    renamed: dict[UUID, str] = field(default_factory=dict)  # known persons with a new name
    named: dict[UUID, str] = field(default_factory=dict)  # new persons
    gone: list[UUID] = field(default_factory=list)  # persons who died: out of the name index
    _ending: set[UUID] = field(default_factory=set, repr=False, compare=False)

    def end(self, kind: str, version_id: UUID) -> None:
        """End a current version (once, though two forms of a chunk may end the same membership)."""
        if version_id not in self._ending:
            self._ending.add(version_id)
            self.ended.setdefault(kind, []).append(version_id)

    def create(self, kind: str, id_: UUID) -> None:
        self.identities.setdefault(kind, []).append(id_)

    @property
    def size(self) -> int:
        versions = len(self.households) + len(self.families) + len(self.persons) + len(self.memberships)
        return versions + sum(map(len, self.ended.values()))


@dataclass(frozen=True)
class Plan:
    writes: RoundWrites
    decided: RoundState  # the held forms, the change report and what the chunk claimed


def plan(
    forms: list[RoundForm],
    lookups: RoundLookups,
    *,
    state: RoundState,
    effective: datetime,
    scope: Scope,
    new_id: Callable[[], UUID] = new_id,
) -> Plan:
    """Decide a chunk of a round: ``state`` is what earlier chunks decided, ``scope`` where the importer
    may write, ``effective`` the round's date. Raises :class:`Conflict` when a change would be dated
    before a newer version (the caller undoes the chunk and applies its buildings one by one)."""
    planner = _Planner(lookups, state, effective, scope, new_id)
    planner.resolve(forms)
    return Plan(planner.writes, planner.added)


class _Planner:
    def __init__(
        self,
        lookups: RoundLookups,
        state: RoundState,
        effective: datetime,
        scope: Scope,
        new_id: Callable[[], UUID],
    ) -> None:
        self.lookups, self.state, self.effective, self.scope, self.new_id = (
            lookups,
            state,
            effective,
            scope,
            new_id,
        )
        self.added = RoundState()  # what this chunk decides; joins ``state`` once it is written
        self.report = self.added.report
        self.writes = RoundWrites()
        self.known_members: dict[UUID, dict[tuple[tuple[str, ...], date | None], UUID]] = {}
        self.heads: dict[UUID, set[UUID]] = {}  # family → its current head(s)
        for member in lookups.members:
            if member.relationship == Relationship.head:
                self.heads.setdefault(member.family_id, set()).add(member.person_id)
            key = (tuple(name_tokens(member.name)), member.birth_date)
            self.known_members.setdefault(member.family_id, {})[key] = member.person_id

    def resolve(self, forms: list[RoundForm]) -> None:
        buildings: dict[tuple[str, str | None, int], list[RoundForm]] = {}
        for form in forms:
            holds = self._admit(form)
            if holds:
                self.added.held += holds
                continue
            buildings.setdefault(form.household_key, []).append(form)
        for building in buildings.values():
            self._building(building)

    # --- what a form may change -----------------------------------------------------------------------

    def _family_village(self, family_id: UUID) -> str | None:
        family = self.lookups.families_by_id.get(family_id)
        household = self.lookups.households.get(family.household_id) if family else None
        return household.dwelling.village_code if household else None

    def _person_village(self, person_id: UUID) -> str | None:
        membership = self.lookups.memberships.get(person_id)
        if membership is not None:
            return self._family_village(membership.family_id)
        return self.lookups.last_villages.get(person_id)

    def _writable(self, village: str | None) -> bool:
        """Whether the importer may change ``village`` (an unknown place: only a national steward)."""
        return self.scope.national or (village is not None and self.scope.covers(village))

    def _taken(self, key: object, kind: str) -> bool:
        """Whether an earlier chunk or form of this round took this KK number, person or household."""
        return key in getattr(self.state, kind) or key in getattr(self.added, kind)

    def _newer(self, current: CurrentHousehold | CurrentPerson | None) -> bool:
        return current is not None and current.valid_from > self.effective

    def _admit(self, form: RoundForm) -> list[RoundHold]:
        """Every reason not to apply this form; none means it goes in (and claims its KK and people).

        Out of scope, the reason is the same whether the KK number or NIK is unknown in that area or
        exists there: it names no area, household or person."""
        holds: list[RoundHold] = []

        def hold(code: str, subject: str, member: int | None = None) -> None:
            holds.append(RoundHold(form.submission_id, code, subject, member))

        if not self._writable(form.dwelling.village_code):
            hold("registry.out_of_scope", "village")
        family = self.lookups.families.get(form.kk_number) if form.kk_number else None
        family_id = family.family_id if family else None
        family_outside = family is not None and not self._writable(self._family_village(family.family_id))
        if form.kk_number and self._taken(form.kk_number, "kk_taken"):
            hold("registry.kk_repeated", "kk_number")
        elif family_outside:
            hold("registry.out_of_scope", "kk_number")
        elif family is not None and self._newer(self.lookups.households.get(family.household_id)):
            hold("registry.newer_version", "kk_number")
        listed: dict[UUID, RoundMember] = {}
        for member in form.members:
            person_id = self._recognise(family_id, member)
            if person_id is None:
                continue
            membership = self.lookups.memberships.get(person_id)
            in_family = membership is not None and membership.family_id == family_id
            if _left(member) and not in_family:
                continue  # listed as gone from a family they are no longer in: nothing changes
            subject = "nik" if member.nik and member.nik in self.lookups.persons else "member"
            if person_id in listed or (not _left(member) and self._taken(person_id, "persons_taken")):
                hold("registry.person_repeated", subject, member.number)
                listed.setdefault(person_id, member)
                continue
            listed[person_id] = member
            if not (in_family and family_outside) and not self._writable(self._person_village(person_id)):
                hold("registry.out_of_scope", subject, member.number)
            elif self._newer(self.lookups.person_versions.get(person_id)):
                hold("registry.newer_version", subject, member.number)
        if family_id is not None and self._second_head(family_id, form, listed):
            head = next(m for m in form.members if m.relationship is Relationship.head)
            hold("registry.two_heads", "relationship", head.number)
        if not holds:
            if form.kk_number:
                self.added.kk_taken.add(form.kk_number)
            self.added.persons_taken |= {pid for pid, member in listed.items() if not _left(member)}
        return holds

    def _second_head(self, family_id: UUID, form: RoundForm, listed: dict[UUID, RoundMember]) -> bool:
        """The form lists a head other than the family's head, who stays (neither listed nor gone)."""
        heads = [m for m in form.members if m.presence.present and m.relationship is Relationship.head]
        if not heads:
            return False
        new_head = next((pid for pid, m in listed.items() if m is heads[0]), None)
        return any(head not in listed and head != new_head for head in self.heads.get(family_id, ()))

    # --- households ---------------------------------------------------------------------------------

    def _building(self, forms: list[RoundForm]) -> None:
        families = [self.lookups.families.get(f.kk_number) for f in forms if f.kk_number]
        known = [family.household_id for family in families if family is not None]
        village = forms[0].dwelling.village_code
        writes_before = self.writes.size
        free = {h for h in known if not self._taken(h, "claimed")}
        candidates = sorted(free, key=known.count, reverse=True)
        if candidates:
            household_id = candidates[0]
            for merged in candidates[1:]:  # households now sharing this building end
                if merged in self.lookups.households:
                    self.writes.end("household", self._current_household(merged).version_id)
                self.added.claimed.add(merged)
                self.added.households.add(merged)
                self.report.count(village, "households_merged")
            self._update_household(household_id, forms[0])
        else:
            household_id = self.new_id()
            self.writes.create("household", household_id)
            self._household_version(household_id, forms[0])
            self.report.count(village, "households_split" if known else "households_new")
        self.added.claimed.add(household_id)
        for form in forms:
            self._family(household_id, form)
        if self.writes.size != writes_before:
            self.added.households.add(household_id)
            self.added.areas.add(village)

    def _current_household(self, household_id: UUID) -> CurrentHousehold:
        current = self.lookups.households[household_id]
        self._refuse_if_newer(current.valid_from)
        return current

    def _current_person(self, person_id: UUID) -> CurrentPerson:
        current = self.lookups.person_versions[person_id]
        self._refuse_if_newer(current.valid_from)
        return current

    def _refuse_if_newer(self, valid_from: datetime) -> None:
        if valid_from > self.effective:
            raise Conflict(
                msg(
                    "A newer version already starts at {at}; changes cannot be dated before it",
                    at=valid_from.isoformat(),
                )
            )

    def _household_version(self, household_id: UUID, form: RoundForm) -> None:
        self.writes.households.append(NewHousehold(household_id, form.dwelling, dict(form.assets)))

    def _update_household(self, household_id: UUID, form: RoundForm) -> None:
        current = self._current_household(household_id)
        old = current.dwelling
        new_assets = {k: v for k, v in form.assets.items() if v}
        changed = [name for name, value in vars(form.dwelling).items() if getattr(old, name) != value]
        if not changed and new_assets == current.assets:
            return
        village = form.dwelling.village_code
        self.writes.end("household", current.version_id)
        self._household_version(household_id, form)
        self.added.areas.add(old.village_code)
        self.report.count(
            village, "households_moved" if old.village_code != village else "households_changed"
        )
        for name in changed + (["assets"] if new_assets != current.assets else []):
            self.report.note_change(f"household.{name}")

    # --- families and members -----------------------------------------------------------------------

    def _family(self, household_id: UUID, form: RoundForm) -> None:
        village = form.dwelling.village_code
        existing = self.lookups.families.get(form.kk_number) if form.kk_number else None
        if existing is None:
            family_id, needs_version = self.new_id(), True
            self.writes.create("family", family_id)
            self.report.count(village, "families_new")
        else:
            family_id = existing.family_id
            needs_version = existing.household_id != household_id or existing.programmes != form.programmes
            if needs_version:
                self.writes.end("family", existing.version_id)
        if needs_version:
            self.writes.families.append(NewFamily(family_id, household_id, form.kk_number, form.programmes))
        for member in form.members:
            self._member(family_id, village, member, known_family=existing is not None)

    def _note_origin(self, family_id: UUID) -> None:
        """A person leaves another family: that family's household and area change too (for the audit)."""
        origin = self.lookups.families_by_id.get(family_id)
        if origin is not None:
            self.added.households.add(origin.household_id)
            if (village := self._family_village(family_id)) is not None:
                self.added.areas.add(village)

    def _recognise(self, family_id: UUID | None, member: RoundMember) -> UUID | None:
        if member.nik and member.nik in self.lookups.persons:
            return self.lookups.persons[member.nik].person_id
        known = self.known_members.get(family_id) if family_id is not None else None
        return known.get((tuple(name_tokens(member.name)), member.birth_date)) if known else None

    def _member(self, family_id: UUID, village: str, member: RoundMember, *, known_family: bool) -> None:
        person_id = self._recognise(family_id, member)
        membership = self.lookups.memberships.get(person_id) if person_id else None
        same_family = membership is not None and membership.family_id == family_id
        gone = not member.presence.present
        if (person_id is None and gone) or (_left(member) and not same_family):
            return  # someone gone whom the registry never had, or who had left this family already
        if membership is not None and not same_family:
            self._note_origin(membership.family_id)
        if gone and person_id is not None:
            if membership is not None:
                self.writes.end("membership", membership.version_id)
            if member.presence is Presence.died:
                self.writes.end("person", self._current_person(person_id).version_id)
                self.writes.gone.append(person_id)
                self.report.count(village, "deaths")
            else:
                self.report.count(village, "persons_left")
            return
        person, relationship = _answers(member)
        if person_id is None:
            person_id = self.new_id()
            self.writes.create("person", person_id)
            self.writes.persons.append(NewPerson(person_id, person))
            self.writes.named[person_id] = member.name
            born = member.birth_date
            # a birth: a baby new to a family the registry knew (in a first round, everyone is new)
            recent = known_family and born is not None and self.effective.date() - born <= BIRTH_WINDOW
            self.report.count(village, "births" if recent else "persons_new")
        else:
            self._update_person(person_id, village, person)
        if membership is not None and same_family and membership.relationship == int(relationship):
            return
        if membership is not None:
            self.writes.end("membership", membership.version_id)
            if not same_family:
                self.report.count(village, "persons_moved")
        self.writes.memberships.append(NewMembership(family_id, person_id, relationship))

    def _update_person(self, person_id: UUID, village: str, person: PersonData) -> None:
        current = self._current_person(person_id)
        changed = [name for name, value in vars(person).items() if getattr(current.data, name) != value]
        if not changed:
            return
        self.writes.end("person", current.version_id)
        self.writes.persons.append(NewPerson(person_id, person))
        if "name" in changed:
            self.writes.renamed[person_id] = person.name
        self.report.count(village, "persons_changed")
        for name in changed:
            self.report.note_change(f"person.{name}")


def _left(member: RoundMember) -> bool:
    """Listed as moved away or not found (not died): it changes only the family that lists them."""
    return not member.presence.present and member.presence is not Presence.died


def _answers(member: RoundMember) -> tuple[PersonData, Relationship]:
    """A present member's answers (the form reader gives every present member both)."""
    if member.person is None or member.relationship is None:
        raise ValueError(f"member {member.number} is present without answers")
    return member.person, member.relationship
