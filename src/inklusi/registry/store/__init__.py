"""The registry's store: all of its SQL, and nothing else. Functions take a connection and never commit;
the services own the transaction.

- ``versions``: the temporal tables (identities, versions, assets, programmes, the name index), reads at a
  moment and rows to records;
- ``records``: household and family records and history snapshots built from those rows;
- ``search``: finding persons by name, number or area;
- ``rounds``: set lookups and bulk writes for enumeration rounds;
- ``snapshot``: the bulk Parquet export for analytics;
- ``linkage_export``: the persons streamed out for record linkage;
- ``resolution``: which records are resolved into another;
- ``change_requests``: the change request table.
"""
