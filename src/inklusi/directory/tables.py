"""The service directory's tables (HSDS 3 organisations, services, locations, service areas). Ids are the
HSDS ids, so importing the same file again updates the same rows. A service's areas and locations are
keyed by the service and the area or location (their HSDS ids are kept for the export, not trusted to be
unique across files)."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
)

from inklusi.db import UtcDateTime, metadata

directory_organisation = Table(
    "directory_organisation",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", Text, nullable=False),
    Column("alternate_name", Text, nullable=True),
    Column("description", Text, nullable=False),
    Column("email", Text, nullable=True),
    Column("website", Text, nullable=True),
    # the Inklusi organisation that answers referrals to its services (None: it does not use Inklusi)
    Column("organisation_id", Uuid, ForeignKey("organisation.id"), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_directory_organisation_organisation_id", "organisation_id"),
)

directory_service = Table(
    "directory_service",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("directory_organisation_id", Uuid, ForeignKey("directory_organisation.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("alternate_name", Text, nullable=True),
    Column("description", Text, nullable=True),
    Column("status", String(20), nullable=False),
    Column("service_type", String(40), nullable=True),  # ATENSI: inklusi.ppks.model.ServiceType
    Column("url", Text, nullable=True),
    Column("email", Text, nullable=True),
    Column("eligibility_description", Text, nullable=True),
    Column("minimum_age", Integer, nullable=True),
    Column("maximum_age", Integer, nullable=True),
    Column("capacity", Integer, nullable=True),
    Column("application_process", Text, nullable=True),
    Column("fees_description", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("updated_by", Uuid, ForeignKey("user_account.id"), nullable=True),
    CheckConstraint("status IN ('active', 'inactive', 'defunct', 'temporarily closed')", name="status"),
    CheckConstraint("minimum_age IS NULL OR maximum_age IS NULL OR minimum_age <= maximum_age", name="ages"),
    CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity"),
    Index("ix_directory_service_directory_organisation_id", "directory_organisation_id"),
    Index("ix_directory_service_service_type", "service_type", "status"),
)

directory_location = Table(
    "directory_location",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("directory_organisation_id", Uuid, ForeignKey("directory_organisation.id"), nullable=True),
    Column("name", Text, nullable=True),
    Column("location_type", String(10), nullable=False),
    Column("description", Text, nullable=True),
    Column("address_1", Text, nullable=True),
    Column("city", Text, nullable=True),
    Column("state_province", Text, nullable=True),
    Column("postal_code", Text, nullable=True),
    Column("country", Text, nullable=True),
    Column("latitude", Float, nullable=True),
    Column("longitude", Float, nullable=True),
    Column("area_code", String(13), ForeignKey("area.code"), nullable=True),
    Column("url", Text, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("location_type IN ('physical', 'postal', 'virtual')", name="location_type"),
)

directory_service_at_location = Table(
    "directory_service_at_location",
    metadata,
    Column("service_id", Uuid, ForeignKey("directory_service.id"), primary_key=True),
    Column("location_id", Uuid, ForeignKey("directory_location.id"), primary_key=True),
    Column("hsds_id", Uuid, nullable=False),
    Column("description", Text, nullable=True),
    Index("ix_directory_service_at_location_location_id", "location_id"),
)

directory_service_area = Table(
    "directory_service_area",
    metadata,
    Column("service_id", Uuid, ForeignKey("directory_service.id"), primary_key=True),
    Column("area_code", String(13), ForeignKey("area.code"), primary_key=True),
    Column("hsds_id", Uuid, nullable=False),
    Column("name", Text, nullable=True),
    # "which services serve this area": the area's code and its ancestors' codes, looked up by code
    Index("ix_directory_service_area_area_code", "area_code"),
)
