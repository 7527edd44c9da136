"""Applying an enumeration round: forms in, new versions out, and a report of what changed.

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
go in. A chunk's decisions join the round's state only once its writes went through, so a caller can undo
a chunk (a savepoint) and apply it again in parts.

The caller owns the transaction (the import writes its own bookkeeping in it too) and passes forms in
chunks that keep the families of one building together.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.engine import Connection, RowMapping

from inklusi.access.model import Permission, Principal
from inklusi.db import utcnow
from inklusi.errors import Conflict
from inklusi.i18n import msg
from inklusi.ids import new_id
from inklusi.registry.enumeration import Presence, RoundForm, RoundHold, RoundMember, RoundState
from inklusi.registry.model import Relationship
from inklusi.registry.names import name_tokens
from inklusi.registry.service.guards import provenance
from inklusi.registry.store import rounds
from inklusi.registry.store import versions as store

BIRTH_WINDOW = timedelta(days=400)  # a new member born this recently is a birth, not a newcomer


@dataclass
class _Writes:
    close: dict[str, list[RowMapping]] = field(default_factory=lambda: defaultdict(list))
    identities: dict[str, list[UUID]] = field(default_factory=lambda: defaultdict(list))
    versions: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    assets: list[tuple[int, dict[str, float]]] = field(default_factory=list)  # index in versions["household"]
    programmes: dict[str, list[tuple[int, frozenset[str]]]] = field(default_factory=lambda: defaultdict(list))
    names: dict[UUID, str] = field(default_factory=dict)
    fresh_names: dict[UUID, str] = field(default_factory=dict)
    gone: list[UUID] = field(default_factory=list)
    ended: set[UUID] = field(default_factory=set)  # version ids already in ``close``

    def end(self, kind: str, row: RowMapping) -> None:
        """End a current version (once, though two forms of a chunk may end the same membership)."""
        if row["version_id"] not in self.ended:
            self.ended.add(row["version_id"])
            self.close[kind].append(row)

    @property
    def size(self) -> int:
        return sum(map(len, self.versions.values())) + sum(map(len, self.close.values()))


def apply_round_chunk(
    conn: Connection,
    principal: Principal,
    forms: list[RoundForm],
    state: RoundState,
    *,
    source: str,
    batch_id: UUID,
    effective: datetime,
) -> None:
    """Apply one chunk of a round inside the caller's transaction. A form that would change something
    the importer may not change, or that conflicts with another form or with newer data, is not applied:
    it is added to ``state.held`` with its reasons, and the other forms go in."""
    plan = _Planner(conn, state, effective, principal)
    plan.resolve(forms)
    _apply(conn, plan.writes, provenance(principal, source, batch_id, effective, utcnow()), effective)
    if not state.statistics_fresh:
        # Later chunks look up what earlier ones wrote; the planner must know the tables are not empty
        rounds.refresh_statistics(conn)
        state.statistics_fresh = True
    state.absorb(plan.added)  # last: if anything above raised, the caller may undo the chunk and retry


class _Planner:
    def __init__(
        self, conn: Connection, state: RoundState, effective: datetime, principal: Principal
    ) -> None:
        self.conn, self.state, self.effective = conn, state, effective
        self.scope = principal.scope(Permission.registry_write)
        self.added = RoundState()  # what this chunk decides; joins ``state`` once it is written
        self.report = self.added.report
        self.writes = _Writes()

    def resolve(self, forms: list[RoundForm]) -> None:
        conn = self.conn
        self.families = rounds.current_families_by_kk(conn, [f.kk_number for f in forms if f.kk_number])
        niks = [m.nik for f in forms for m in f.members if m.nik]
        self.persons = rounds.current_persons_by_nik(conn, niks)
        self.memberships = rounds.current_versions(
            conn, "membership", [p["person_id"] for p in self.persons.values()]
        )
        members = rounds.current_members(conn, [row["family_id"] for row in self.families.values()])
        self.known_members: dict[UUID, dict[tuple, UUID]] = defaultdict(dict)
        self.heads: dict[UUID, set[UUID]] = defaultdict(set)  # family → its current head(s)
        for row in members:
            self.memberships.setdefault(row["person_id"], row)
            if row["relationship"] == Relationship.head:
                self.heads[row["family_id"]].add(row["person_id"])
            key = (tuple(name_tokens(row["name"])), row["birth_date"])
            self.known_members[row["family_id"]][key] = row["person_id"]
        household_ids = {row["household_id"] for row in self.families.values()}
        self.households = rounds.current_versions(conn, "household", household_ids)
        self.household_assets = store.assets_of(conn, [h["version_id"] for h in self.households.values()])
        self.family_programmes = store.programmes_of(
            conn, "family", [f["version_id"] for f in self.families.values()]
        )
        extra_persons = rounds.current_versions(conn, "person", [row["person_id"] for row in members])
        self.person_rows = {row["person_id"]: row for row in self.persons.values()} | extra_persons
        self.person_programmes = store.programmes_of(
            conn, "person", [row["version_id"] for row in self.person_rows.values()]
        )
        self._locate_persons()
        buildings: dict[tuple, list[RoundForm]] = defaultdict(list)
        for form in forms:
            holds = self._admit(form)
            if holds:
                self.added.held += holds
                continue
            buildings[form.household_key].append(form)
        for building in buildings.values():
            self._building(building)

    # --- what a form may change -----------------------------------------------------------------------

    def _locate_persons(self) -> None:
        """The village each person recognised by NIK lives in now (or, without a family, lived in last)."""
        self.families_by_id = {row["family_id"]: row for row in self.families.values()}
        elsewhere = {
            self.memberships[p["person_id"]]["family_id"]
            for p in self.persons.values()
            if p["person_id"] in self.memberships
        } - set(self.families_by_id)
        self.families_by_id |= rounds.current_versions(self.conn, "family", elsewhere)
        more = {row["household_id"] for row in self.families_by_id.values()} - set(self.households)
        self.households |= rounds.current_versions(self.conn, "household", more)
        homeless = [p["person_id"] for p in self.persons.values() if p["person_id"] not in self.memberships]
        self.last_village = rounds.last_villages(self.conn, homeless) if homeless else {}

    def _family_village(self, family_id: UUID) -> str | None:
        family = self.families_by_id.get(family_id)
        household = self.households.get(family["household_id"]) if family else None
        return household["village_code"] if household else None

    def _person_village(self, person_id: UUID) -> str | None:
        membership = self.memberships.get(person_id)
        if membership is not None:
            return self._family_village(membership["family_id"])
        return self.last_village.get(person_id)

    def _writable(self, village: str | None) -> bool:
        """Whether the importer may change ``village`` (an unknown place: only a national steward)."""
        return self.scope.national or (village is not None and self.scope.covers(village))

    def _taken(self, key: object, kind: str) -> bool:
        """Whether an earlier chunk or form of this round took this KK number, person or household."""
        return key in getattr(self.state, kind) or key in getattr(self.added, kind)

    def _newer(self, row: RowMapping | None) -> bool:
        return row is not None and row["valid_from"] > self.effective

    def _admit(self, form: RoundForm) -> list[RoundHold]:
        """Every reason not to apply this form; none means it goes in (and claims its KK and people).

        Out of scope, the reason is the same whether the KK number or NIK is unknown in that area or
        exists there: it names no area, household or person."""
        holds: list[RoundHold] = []

        def hold(code: str, subject: str, member: int | None = None) -> None:
            holds.append(RoundHold(form.submission_id, code, subject, member))

        if not self._writable(form.dwelling.village_code):
            hold("registry.out_of_scope", "village")
        family = self.families.get(form.kk_number) if form.kk_number else None
        family_id = family["family_id"] if family else None
        family_outside = family is not None and not self._writable(self._family_village(family_id))
        if form.kk_number and self._taken(form.kk_number, "kk_taken"):
            hold("registry.kk_repeated", "kk_number")
        elif family_outside:
            hold("registry.out_of_scope", "kk_number")
        elif family is not None and self._newer(self.households.get(family["household_id"])):
            hold("registry.newer_version", "kk_number")
        listed: dict[UUID, RoundMember] = {}
        for member in form.members:
            person_id = self._recognise(family_id, member)
            if person_id is None:
                continue
            membership = self.memberships.get(person_id)
            in_family = membership is not None and membership["family_id"] == family_id
            if _left(member) and not in_family:
                continue  # listed as gone from a family they are no longer in: nothing changes
            subject = "nik" if member.nik and member.nik in self.persons else "member"
            if person_id in listed or (not _left(member) and self._taken(person_id, "persons_taken")):
                hold("registry.person_repeated", subject, member.number)
                listed.setdefault(person_id, member)
                continue
            listed[person_id] = member
            if not (in_family and family_outside) and not self._writable(self._person_village(person_id)):
                hold("registry.out_of_scope", subject, member.number)
            elif self._newer(self.person_rows.get(person_id)):
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
        known = [self.families[f.kk_number]["household_id"] for f in forms if f.kk_number in self.families]
        village = forms[0].dwelling.village_code
        writes_before = self.writes.size
        free = {h for h in known if not self._taken(h, "claimed")}
        candidates = sorted(free, key=known.count, reverse=True)
        if candidates:
            household_id = candidates[0]
            for merged in candidates[1:]:  # households now sharing this building end
                if merged in self.households:
                    self.writes.end("household", self._current("household", merged))
                self.added.claimed.add(merged)
                self.added.households.add(merged)
                self.report.count(village, "households_merged")
            self._update_household(household_id, forms[0])
        else:
            household_id = new_id()
            self.writes.identities["household"].append(household_id)
            self._household_version(household_id, forms[0])
            self.report.count(village, "households_split" if known else "households_new")
        self.added.claimed.add(household_id)
        for form in forms:
            self._family(household_id, form)
        if self.writes.size != writes_before:
            self.added.households.add(household_id)
            self.added.areas.add(village)

    def _current(self, kind: str, id_: UUID) -> RowMapping:
        row = {"household": self.households, "person": self.person_rows}[kind][id_]
        if row["valid_from"] > self.effective:
            raise Conflict(
                msg(
                    "A newer version already starts at {at}; changes cannot be dated before it",
                    at=row["valid_from"].isoformat(),
                )
            )
        return row

    def _household_version(self, household_id: UUID, form: RoundForm) -> None:
        self.writes.versions["household"].append({**vars(form.dwelling), "household_id": household_id})
        self.writes.assets.append((len(self.writes.versions["household"]) - 1, dict(form.assets)))

    def _update_household(self, household_id: UUID, form: RoundForm) -> None:
        current = self._current("household", household_id)
        old = store.to_dwelling(current)
        old_assets = self.household_assets.get(current["version_id"], {})
        new_assets = {k: v for k, v in form.assets.items() if v}
        changed = [name for name, value in vars(form.dwelling).items() if getattr(old, name) != value]
        if not changed and new_assets == old_assets:
            return
        village = form.dwelling.village_code
        self.writes.end("household", current)
        self._household_version(household_id, form)
        self.added.areas.add(old.village_code)
        self.report.count(
            village, "households_moved" if old.village_code != village else "households_changed"
        )
        for name in changed + (["assets"] if new_assets != old_assets else []):
            self.report.note_change(f"household.{name}")

    # --- families and members -----------------------------------------------------------------------

    def _family(self, household_id: UUID, form: RoundForm) -> None:
        village = form.dwelling.village_code
        existing = self.families.get(form.kk_number) if form.kk_number else None
        if existing is None:
            family_id, needs_version = new_id(), True
            self.writes.identities["family"].append(family_id)
            self.report.count(village, "families_new")
        else:
            family_id = existing["family_id"]
            needs_version = (
                existing["household_id"] != household_id
                or self.family_programmes[existing["version_id"]] != form.programmes
            )
            if needs_version:
                self.writes.end("family", existing)
        if needs_version:
            row = {"family_id": family_id, "household_id": household_id, "kk_number": form.kk_number}
            self.writes.versions["family"].append(row)
            self.writes.programmes["family"].append(
                (len(self.writes.versions["family"]) - 1, form.programmes)
            )
        for member in form.members:
            self._member(family_id, village, member, known_family=existing is not None)

    def _note_origin(self, family_id: UUID) -> None:
        """A person leaves another family: that family's household and area change too (for the audit)."""
        origin = self.families_by_id.get(family_id)
        if origin is not None:
            self.added.households.add(origin["household_id"])
            if (village := self._family_village(family_id)) is not None:
                self.added.areas.add(village)

    def _recognise(self, family_id: UUID | None, member: RoundMember) -> UUID | None:
        if member.nik and member.nik in self.persons:
            return self.persons[member.nik]["person_id"]
        known = self.known_members.get(family_id)
        return known.get((tuple(name_tokens(member.name)), member.birth_date)) if known else None

    def _member(self, family_id: UUID, village: str, member: RoundMember, *, known_family: bool) -> None:
        person_id = self._recognise(family_id, member)
        membership = self.memberships.get(person_id) if person_id else None
        same_family = membership is not None and membership["family_id"] == family_id
        if (person_id is None and not member.presence.present) or (_left(member) and not same_family):
            return  # someone gone whom the registry never had, or who had left this family already
        if membership is not None and not same_family:
            self._note_origin(membership["family_id"])
        if not member.presence.present:
            if membership is not None and membership["valid_to"] is None:
                self.writes.end("membership", membership)
            if member.presence is Presence.died:
                self.writes.end("person", self._current("person", person_id))
                self.writes.gone.append(person_id)
                self.report.count(village, "deaths")
            else:
                self.report.count(village, "persons_left")
            return
        if person_id is None:
            person_id = new_id()
            self.writes.identities["person"].append(person_id)
            self._person_version(person_id, member)
            self.writes.fresh_names[person_id] = member.name
            born = member.birth_date
            # a birth: a baby new to a family the registry knew (in a first round, everyone is new)
            recent = known_family and born is not None and self.effective.date() - born <= BIRTH_WINDOW
            self.report.count(village, "births" if recent else "persons_new")
        else:
            self._update_person(person_id, village, member)
        if same_family and membership["relationship"] == int(member.relationship):
            return
        if membership is not None:
            self.writes.end("membership", membership)
            if not same_family:
                self.report.count(village, "persons_moved")
        row = {"family_id": family_id, "person_id": person_id, "relationship": int(member.relationship)}
        self.writes.versions["membership"].append(row)

    def _person_version(self, person_id: UUID, member: RoundMember) -> None:
        self.writes.versions["person"].append({**store.person_row(member.person), "person_id": person_id})
        index = len(self.writes.versions["person"]) - 1
        self.writes.programmes["person"].append((index, member.person.programmes))

    def _update_person(self, person_id: UUID, village: str, member: RoundMember) -> None:
        current = self._current("person", person_id)
        old = store.to_person(current, self.person_programmes[current["version_id"]])
        changed = [name for name, value in vars(member.person).items() if getattr(old, name) != value]
        if not changed:
            return
        self.writes.end("person", current)
        self._person_version(person_id, member)
        if "name" in changed:
            self.writes.names[person_id] = member.person.name
        self.report.count(village, "persons_changed")
        for name in changed:
            self.report.note_change(f"person.{name}")


def _left(member: RoundMember) -> bool:
    """Listed as moved away or not found (not died): it changes only the family that lists them."""
    return not member.presence.present and member.presence is not Presence.died


def _apply(conn: Connection, writes: _Writes, version: dict[str, object], effective: datetime) -> None:
    """Old versions end first (the partial unique indexes allow one current version), then new rows go in."""
    for kind in ("membership", "person", "family", "household"):
        rows = writes.close.get(kind, [])
        if rows and rounds.close_versions(conn, kind, [row["version_id"] for row in rows], effective) != len(
            rows
        ):
            raise Conflict(msg("Someone else changed this record at the same time: reload it and try again"))
    for kind, ids in writes.identities.items():
        store.insert_identities(conn, kind, ids, version["recorded_at"])
    ids: dict[str, list[UUID]] = {}
    for kind in ("household", "family", "person", "membership"):
        ids[kind] = store.insert_versions(conn, kind, writes.versions.get(kind, []), common=version)
    store.insert_assets(conn, {ids["household"][index]: assets for index, assets in writes.assets})
    for kind in ("family", "person"):
        store.insert_programmes(
            conn, kind, {ids[kind][index]: keys for index, keys in writes.programmes[kind]}
        )
    store.index_names(conn, writes.fresh_names, fresh=True)
    if writes.names:
        store.index_names(conn, writes.names)
    rounds.forget_names(conn, writes.gone)
