"""The service directory (Open Referral HSDS 3): organisations (optionally linked to the Inklusi organisation
that answers referrals), services with their ATENSI service type, eligibility and capacity, locations,
services at locations and service areas (area codes).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "directory_organisation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("alternate_name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("website", sa.Text(), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_directory_organisation_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_organisation")),
    )
    op.create_index(
        "ix_directory_organisation_organisation_id",
        "directory_organisation",
        ["organisation_id"],
        unique=False,
    )

    op.create_table(
        "directory_location",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("directory_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("location_type", sa.String(length=10), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("address_1", sa.Text(), nullable=True),
        sa.Column("city", sa.Text(), nullable=True),
        sa.Column("state_province", sa.Text(), nullable=True),
        sa.Column("postal_code", sa.Text(), nullable=True),
        sa.Column("country", sa.Text(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("area_code", sa.String(length=13), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "location_type IN ('physical', 'postal', 'virtual')",
            name=op.f("ck_directory_location_location_type"),
        ),
        sa.ForeignKeyConstraint(
            ["area_code"], ["area.code"], name=op.f("fk_directory_location_area_code_area")
        ),
        sa.ForeignKeyConstraint(
            ["directory_organisation_id"],
            ["directory_organisation.id"],
            name=op.f("fk_directory_location_directory_organisation_id_directory_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_location")),
    )
    op.create_table(
        "directory_service",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("directory_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("alternate_name", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("service_type", sa.String(length=40), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("eligibility_description", sa.Text(), nullable=True),
        sa.Column("minimum_age", sa.Integer(), nullable=True),
        sa.Column("maximum_age", sa.Integer(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("application_process", sa.Text(), nullable=True),
        sa.Column("fees_description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'inactive', 'defunct', 'temporarily closed')",
            name=op.f("ck_directory_service_status"),
        ),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name=op.f("ck_directory_service_capacity")),
        sa.CheckConstraint(
            "minimum_age IS NULL OR maximum_age IS NULL OR minimum_age <= maximum_age",
            name=op.f("ck_directory_service_ages"),
        ),
        sa.ForeignKeyConstraint(
            ["directory_organisation_id"],
            ["directory_organisation.id"],
            name=op.f("fk_directory_service_directory_organisation_id_directory_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["user_account.id"], name=op.f("fk_directory_service_updated_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_service")),
    )
    op.create_index(
        "ix_directory_service_directory_organisation_id",
        "directory_service",
        ["directory_organisation_id"],
        unique=False,
    )
    op.create_index(
        "ix_directory_service_service_type", "directory_service", ["service_type", "status"], unique=False
    )

    op.create_table(
        "directory_service_area",
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("area_code", sa.String(length=13), nullable=False),
        sa.Column("hsds_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_code"], ["area.code"], name=op.f("fk_directory_service_area_area_code_area")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["directory_service.id"],
            name=op.f("fk_directory_service_area_service_id_directory_service"),
        ),
        sa.PrimaryKeyConstraint("service_id", "area_code", name=op.f("pk_directory_service_area")),
    )
    op.create_index(
        "ix_directory_service_area_area_code", "directory_service_area", ["area_code"], unique=False
    )

    op.create_table(
        "directory_service_at_location",
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("location_id", sa.Uuid(), nullable=False),
        sa.Column("hsds_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["directory_location.id"],
            name=op.f("fk_directory_service_at_location_location_id_directory_location"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["directory_service.id"],
            name=op.f("fk_directory_service_at_location_service_id_directory_service"),
        ),
        sa.PrimaryKeyConstraint("service_id", "location_id", name=op.f("pk_directory_service_at_location")),
    )
    op.create_index(
        "ix_directory_service_at_location_location_id",
        "directory_service_at_location",
        ["location_id"],
        unique=False,
    )


def downgrade() -> None:
    for table in (
        "directory_service_at_location",
        "directory_service_area",
        "directory_service",
        "directory_location",
        "directory_organisation",
    ):
        op.drop_table(table)  # its indexes go with it
