"""Households, families, persons and memberships, each as an identity row plus temporal versions.

Every change writes a new version row; the row it replaces gets ``valid_to``. The current state is the
version with ``valid_to IS NULL`` (a partial unique index allows at most one). Assets and programmes hang
off the version they belong to, so history covers them too.

NIK and KK numbers are stored sealed (:class:`~inklusi.vault.Encrypted`: reads give the number back) with a
keyed blind index beside them for equality lookups and uniqueness (``nik_index == nik`` in a query indexes
the number as it is bound); :func:`with_blind_indexes` fills the index of a row about to be written.
"""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    Uuid,
    func,
    text,
)

from inklusi.db import UtcDateTime, metadata
from inklusi.vault import BlindIndex, Encrypted, EncryptedJSON

CURRENT = text("valid_to IS NULL")


def _version_columns() -> list:
    """Validity and provenance, the same on every version table."""
    return [
        Column("version_id", Uuid, primary_key=True),  # UUIDv7, made by the application
        Column("valid_from", UtcDateTime, nullable=False),
        Column("valid_to", UtcDateTime, nullable=True),
        Column("source", String(40), nullable=False),
        Column("batch_id", Uuid, nullable=True),
        Column("actor_id", Uuid, ForeignKey("user_account.id"), nullable=True),
        Column("recorded_at", UtcDateTime, nullable=False),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
    ]


def _current_only(name: str, *columns: str, where=CURRENT) -> Index:
    return Index(name, *columns, unique=True, sqlite_where=where, postgresql_where=where)


household = Table(
    "household",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
)

household_version = Table(
    "household_version",
    metadata,
    *_version_columns(),
    Column("household_id", Uuid, ForeignKey("household.id"), nullable=False),
    Column("village_code", String(13), ForeignKey("area.code"), nullable=False),
    Column("sls", String(32)),
    Column("address", Text),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("tenure", SmallInteger),
    Column("floor_area_m2", Integer),
    Column("floor_material", SmallInteger),
    Column("wall_material", SmallInteger),
    Column("roof_material", SmallInteger),
    Column("water_source", SmallInteger),
    Column("lighting", SmallInteger),
    Column("electricity_power", SmallInteger),
    Column("cooking_fuel", SmallInteger),
    Column("toilet", SmallInteger),
    Column("toilet_type", SmallInteger),
    Column("excreta_disposal", SmallInteger),
    CheckConstraint(func.length(text("village_code")) == 13, name="village_code_is_village"),
    CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude"),
    CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180", name="longitude"),
    _current_only("uq_household_version_current", "household_id"),
    Index("ix_household_version_household", "household_id", "valid_from"),
    Index("ix_household_version_village_code", "village_code"),
)

household_asset = Table(
    "household_asset",
    metadata,
    Column("version_id", Uuid, ForeignKey("household_version.version_id"), primary_key=True),
    Column("asset", String(32), primary_key=True),
    Column("quantity", Float, nullable=False),
    CheckConstraint("quantity >= 0", name="quantity"),
)

family = Table(
    "family",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
)

family_version = Table(
    "family_version",
    metadata,
    *_version_columns(),
    Column("family_id", Uuid, ForeignKey("family.id"), nullable=False),
    Column("household_id", Uuid, ForeignKey("household.id"), nullable=False),
    Column("kk_number", Encrypted("kk", "family_version.kk_number")),
    Column("kk_index", BlindIndex("kk")),
    _current_only("uq_family_version_current", "family_id"),
    _current_only(
        "uq_family_version_current_kk",
        "kk_index",
        where=text("valid_to IS NULL AND kk_index IS NOT NULL"),
    ),
    Index("ix_family_version_family", "family_id", "valid_from"),
    Index("ix_family_version_household_id", "household_id"),
)

family_programme = Table(
    "family_programme",
    metadata,
    Column("version_id", Uuid, ForeignKey("family_version.version_id"), primary_key=True),
    Column("programme", String(32), primary_key=True),
)

person = Table(
    "person",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
)

person_version = Table(
    "person_version",
    metadata,
    *_version_columns(),
    Column("person_id", Uuid, ForeignKey("person.id"), nullable=False),
    Column("nik", Encrypted("nik", "person_version.nik")),
    Column("nik_index", BlindIndex("nik")),
    Column("name", String(200), nullable=False),
    Column("sex", SmallInteger, nullable=False),
    Column("birth_date", Date),
    Column("birth_place", String(100)),
    Column("marital_status", SmallInteger),
    Column("school_participation", SmallInteger),
    Column("education", SmallInteger),
    Column("worked_last_week", SmallInteger),
    Column("employment_status", SmallInteger),
    Column("industry", SmallInteger),
    Column("difficulty_seeing", SmallInteger),
    Column("difficulty_hearing", SmallInteger),
    Column("difficulty_walking", SmallInteger),
    Column("difficulty_remembering", SmallInteger),
    Column("difficulty_self_care", SmallInteger),
    Column("difficulty_communicating", SmallInteger),
    Column("chronic_illness", SmallInteger),
    Column("health_insurance", SmallInteger),
    CheckConstraint("sex IN (1, 2)", name="sex"),
    _current_only("uq_person_version_current", "person_id"),
    Index("ix_person_version_person", "person_id", "valid_from"),
    Index("ix_person_version_nik_index", "nik_index"),
)

BLIND_INDEXES = {"person_version": ("nik", "nik_index"), "family_version": ("kk_number", "kk_index")}
BLIND_INDEX_COLUMNS = frozenset(index for _plain, index in BLIND_INDEXES.values())


def with_blind_indexes(table: Table, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Rows to write into ``table`` with their blind index set from the plain number (computed as bound)."""
    if table.name not in BLIND_INDEXES:
        return rows
    plain, index = BLIND_INDEXES[table.name]
    return [{**row, index: row.get(plain)} for row in rows]


person_programme = Table(
    "person_programme",
    metadata,
    Column("version_id", Uuid, ForeignKey("person_version.version_id"), primary_key=True),
    Column("programme", String(32), primary_key=True),
)

family_member = Table(
    "family_member",
    metadata,
    *_version_columns(),
    Column("family_id", Uuid, ForeignKey("family.id"), nullable=False),
    Column("person_id", Uuid, ForeignKey("person.id"), nullable=False),
    Column("relationship", SmallInteger, nullable=False),
    CheckConstraint("relationship BETWEEN 1 AND 8", name="relationship"),
    # a person belongs to one family at a time
    _current_only("uq_family_member_current_person", "person_id"),
    # a family has one head (relationship 1) at a time
    _current_only(
        "uq_family_member_current_head",
        "family_id",
        where=text("valid_to IS NULL AND relationship = 1"),
    ),
    Index("ix_family_member_family_id", "family_id"),
)

# A person registered outside any household (outreach, intake: people sleeping rough, beggars, scavengers,
# street children, residents of a social institution): where they were registered (a village, or a district
# when no village is known) and how they live, as temporal rows like the memberships. A person has either a
# current membership or a current row here, never both: joining a family ends this row (history keeps it).
person_outside = Table(
    "person_outside",
    metadata,
    *_version_columns(),
    Column("person_id", Uuid, ForeignKey("person.id"), nullable=False),
    Column("area_code", String(13), ForeignKey("area.code"), nullable=False),
    Column("living_situation", SmallInteger, nullable=False),
    CheckConstraint("length(area_code) IN (8, 13)", name="area_code_is_district_or_village"),
    _current_only("uq_person_outside_current", "person_id"),
    Index("ix_person_outside_person", "person_id", "valid_from"),
    Index("ix_person_outside_area_code", "area_code"),
)

# --- Name search (derived from the current person versions; rebuilt on every name change) ----------

person_name_token = Table(
    "person_name_token",
    metadata,
    Column("person_id", Uuid, ForeignKey("person.id"), primary_key=True),
    Column("token", String(40), primary_key=True),
    # how many tokens the whole name has: "Wahyuni" answers the query "Wahyuni" before "Sri Wahyuni"
    Column("name_length", SmallInteger, nullable=False),
    Index("ix_person_name_token_token", "token", "name_length"),
)

# Every name token ever indexed, under itself and each of its one-deletion variants (SymSpell), so that
# a misspelt query token finds its neighbours with one indexed lookup.
name_variant = Table(
    "name_variant",
    metadata,
    Column("variant", String(40), primary_key=True),
    Column("token", String(40), primary_key=True),
)

# --- Change requests between rounds --------------------------------------------------------------------

change_request = Table(
    "change_request",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("target_type", String(10), nullable=False),
    Column("target_id", Uuid, nullable=False),
    Column("household_id", Uuid, ForeignKey("household.id"), nullable=False),  # where the target lives
    Column("village_code", String(13), ForeignKey("area.code"), nullable=False),  # for scope
    Column("changes", EncryptedJSON("sensitive", "change_request.changes"), nullable=False),  # field → value
    Column("reason", Encrypted("sensitive", "change_request.reason"), nullable=False),
    Column("evidence", Encrypted("sensitive", "change_request.evidence"), nullable=False),
    Column("status", String(10), nullable=False),
    Column("submitted_by", Uuid, nullable=True),
    Column("submitted_by_name", String(120), nullable=False),
    Column("organisation_id", Uuid, nullable=True),
    Column("submitted_at", UtcDateTime, nullable=False),
    Column("decided_by", Uuid, nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("decision_note", Encrypted("sensitive", "change_request.decision_note"), nullable=True),
    Column("applied_version_id", Uuid, nullable=True),
    CheckConstraint("target_type IN ('household', 'person')", name="target_type"),
    CheckConstraint("status IN ('submitted', 'applied', 'rejected')", name="status"),
    Index("ix_change_request_status_village", "status", "village_code"),
    Index("ix_change_request_target", "target_type", "target_id"),
)

# --- Entity resolution (duplicates resolved into the record that represents them) ------------------

# A household or person record that record linkage found to be another record of the same household or
# person is *resolved into* that record (the survivor, see ``model.survivor``): temporal rows like the
# versions (``valid_to`` set when an unmerge or a later run undoes it), so reads as of an earlier moment
# see the duplicate as it was. Nothing is deleted; search, counts and snapshots leave resolved records out.
record_resolution = Table(
    "record_resolution",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("record_id", Uuid, nullable=False),
    Column("resolved_into", Uuid, nullable=False),
    Column("valid_from", UtcDateTime, nullable=False),
    Column("valid_to", UtcDateTime, nullable=True),
    Column("cause_id", Uuid, nullable=True),  # the linkage run or decision that resolved it
    CheckConstraint("kind IN ('household', 'person')", name="kind"),
    CheckConstraint("record_id <> resolved_into", name="not_itself"),
    CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
    _current_only("uq_record_resolution_current", "kind", "record_id"),
    Index("ix_record_resolution_into", "kind", "resolved_into"),
)
