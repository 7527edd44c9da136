"""The ``area`` table: every province, regency, district and village, loaded by ``inklusi init``."""

from sqlalchemy import BigInteger, CheckConstraint, Column, Float, ForeignKey, Index, String, Table

from inklusi.db import metadata

area = Table(
    "area",
    metadata,
    Column("code", String(13), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("level", String(10), nullable=False),
    Column("parent_code", String(13), ForeignKey("area.code"), nullable=True),
    Column("search_key", String(120), nullable=False),
    Column("population", BigInteger),
    Column("population_male", BigInteger),
    Column("population_female", BigInteger),
    Column("land_area_km2", Float),
    Column("dataset", String(32), nullable=False),
    CheckConstraint("level IN ('province', 'regency', 'district', 'village')", name="level"),
    Index("ix_area_parent_code", "parent_code"),
    Index("ix_area_search_key", "search_key"),
)
