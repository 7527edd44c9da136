"""The organisations that work the demo's cases, where they are, and their workers and supervisors."""

from __future__ import annotations

from inklusi.access.model import OrganisationKind

BANDUNG = "32.73"  # Kota Bandung
SUKASARI = "32.73.01"  # Kecamatan Sukasari, where the outreach round found the people below
SUKABUMI = "32.72"  # Kota Sukabumi, where the centre is
CATCHMENT = ("31", "32", "36")  # the centre's region: DKI Jakarta, Jawa Barat, Banten

CENTRE = "Sentra Phala Martha Sukabumi (Kemensos)"
DINSOS = "Dinas Sosial Kota Bandung"
PEDULI = "Yayasan Peduli Sesama Bandung"  # one of the demo's first organisations
KAYU = "Yayasan Kayu Harapan Bandung"
ORGANISATIONS = (  # the organisations case management adds to the demo's
    (CENTRE, OrganisationKind.central, None),
    (DINSOS, OrganisationKind.regional, BANDUNG),
    (KAYU, OrganisationKind.ngo, BANDUNG),
)

# (username, display name, organisation, grants): workers and a supervisor of each organisation
CENTRE_WORKER, CENTRE_SUPERVISOR = "sentra.peksos", "sentra.supervisor"
WORKER, TKSK, SUPERVISOR = "peksos.bandung", "tksk.sukasari", "supervisor.bandung"
KAYU_WORKER, KAYU_SUPERVISOR = "pendamping.kayu", "supervisor.kayu"
PEDULI_WORKER, PEDULI_SUPERVISOR = "pendamping.bandung", "supervisor.peduli"  # the worker: demo's own
USERS = (
    (
        CENTRE_WORKER,
        "Pekerja Sosial Sentra Phala Martha",
        CENTRE,
        tuple(("case_worker", area) for area in CATCHMENT),
    ),
    (
        CENTRE_SUPERVISOR,
        "Supervisor Sentra Phala Martha",
        CENTRE,
        tuple(("case_supervisor", area) for area in CATCHMENT),
    ),
    (WORKER, "Pekerja Sosial Dinsos Kota Bandung", DINSOS, (("case_worker", BANDUNG),)),
    (TKSK, "TKSK Kecamatan Sukasari", DINSOS, (("case_worker", SUKASARI),)),
    (SUPERVISOR, "Supervisor Dinsos Kota Bandung", DINSOS, (("case_supervisor", BANDUNG),)),
    (KAYU_WORKER, "Pendamping Yayasan Kayu Harapan", KAYU, (("case_worker", BANDUNG),)),
    (KAYU_SUPERVISOR, "Ketua Program Yayasan Kayu Harapan", KAYU, (("case_supervisor", BANDUNG),)),
    (PEDULI_SUPERVISOR, "Koordinator Yayasan Peduli Sesama", PEDULI, (("case_supervisor", BANDUNG),)),
)
