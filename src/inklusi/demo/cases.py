"""Case management in ``inklusi demo`` (issue 15): organisations of every kind working cases together.

A ministry rehabilitation centre (central), the Dinas Sosial of Kota Bandung (regional) and two foundations
(NGO: the existing Yayasan Peduli Sesama, with a shelter for street children, and Yayasan Kayu Harapan, whose
workshop trains people recovering from drug use and living with HIV to make furniture from waste wood), each
with case workers and a supervisor. The service directory is seeded with their services (an HSDS 3 document
built with ``directory.hsds_out.to_hsds`` and imported like any other, then linked to the organisations that
answer referrals in Inklusi). Then the cases, through the cases service as each worker (scoped and audited as
them), for people the PPKS identification found in Kota Bandung (the demo's outreach list) and one resident of
the centre:

- **Asep Saepudin** (Dinas Sosial): assessed, plan approved by the supervisor, referred with his consent to
  the centre (psychosocial therapy) and to Yayasan Kayu Harapan (vocational training, chosen from the
  directory); both referrals completed, the training with an income outcome (before and after); now in
  monitoring.
- **Entis Sutisna** (Dinas Sosial): a transfer to the centre, with his consent, refused (no room).
- **Ujang** (Yayasan Peduli Sesama), a child: consent through his guardian; the plan waits for approval.
- **Nining** (Yayasan Peduli Sesama): in intervention, a shelter stay recorded.
- **Darsih** (Dinas Sosial, the district's TKSK): through to the end, termination approved, closed.
- **Mbok Sumi** (Dinas Sosial, TKSK): intake, follow-up overdue, a referral waiting for the foundation.
- **Andri Firmansyah** (the centre): rehabilitation done, termination waiting for approval.

Each path is skipped when its person has a case already: running the demo again keeps what exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from inklusi.access import service as access
from inklusi.access.model import OrganisationKind, Principal
from inklusi.cases import service as cases
from inklusi.cases.handovers import Consent, ConsentPurpose, GivenBy
from inklusi.cases.model import TransitionName
from inklusi.cases.records import (
    Assessment,
    Need,
    NeedLevel,
    Outcome,
    OutcomeKind,
    Plan,
    PlanItem,
    RiskLevel,
    ServiceRecord,
    prefilled_needs,
)
from inklusi.context import Context
from inklusi.demo.outside import INSTITUTION, OUTREACH
from inklusi.directory import service as directory
from inklusi.directory.hsds_out import to_hsds
from inklusi.directory.model import Location, Organisation, Service, ServiceArea, ServiceAtLocation
from inklusi.errors import Invalid
from inklusi.i18n import msg
from inklusi.ppks.model import ServiceType
from inklusi.registry import service as registry
from inklusi.registry.model import OutsidePerson, PersonData
from inklusi.wilayah import service as wilayah
from inklusi.wilayah.model import AreaLevel
from inklusi.wilayah.nik import Sex

SOURCE = "demo-cases"
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


def _id(key: str) -> UUID:
    """A fixed id for a record of the demo's directory (importing it again changes nothing)."""
    return uuid5(NAMESPACE_URL, f"urn:inklusi:demo:directory:{key}")


# --- The service directory ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Provider:
    key: str
    name: str
    inklusi: str | None  # the Inklusi organisation that answers referrals (None: not an Inklusi user)
    description: str
    address: str
    city: str
    village: str  # the Kemendagri area of its location (a village, or a district)


@dataclass(frozen=True)
class _Offer:
    key: str
    provider: str
    name: str
    service_type: ServiceType
    areas: tuple[str, ...]
    description: str
    eligibility: str
    capacity: int | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None


PROVIDERS = (
    _Provider(
        "centre",
        CENTRE,
        CENTRE,
        "Sentra rehabilitasi sosial Kementerian Sosial: layanan ATENSI residensial dan berbasis keluarga, "
        "terutama bagi korban penyalahgunaan NAPZA.",
        "Jl. Pelabuhan II No. 1",
        "Sukabumi",
        SUKABUMI,
    ),
    _Provider(
        "dinsos",
        DINSOS,
        DINSOS,
        "Dinas Sosial Kota Bandung: penjangkauan, asesmen dan pendampingan PPKS, rujukan dan bantuan sosial.",
        "Jl. Sindang Sirna No. 40",
        "Bandung",
        BANDUNG,
    ),
    _Provider(
        "peduli",
        PEDULI,
        PEDULI,
        "Lembaga kesejahteraan sosial: rumah singgah anak jalanan dan pendampingan keluarga.",
        "Jl. Sukasari No. 12",
        "Bandung",
        SUKASARI,
    ),
    _Provider(
        "kayu",
        KAYU,
        KAYU,
        "Bengkel mebel dari kayu bekas: pelatihan kerja dan usaha bagi orang yang pulih dari penyalahgunaan "
        "NAPZA dan orang dengan HIV.",
        "Jl. Kiaracondong No. 210",
        "Bandung",
        "32.73.16",
    ),
    _Provider(
        "lansia",
        "LKS Lanjut Usia Sejahtera",
        None,
        "Panti sosial lanjut usia swasta (tidak memakai Inklusi: rujukan lewat telepon atau surat).",
        "Jl. Cipaganti No. 5",
        "Bandung",
        "32.73.08",
    ),
)
OFFERS = (
    _Offer(
        "centre-napza",
        "centre",
        "Rehabilitasi sosial residensial korban penyalahgunaan NAPZA",
        ServiceType.psychosocial_therapy,
        CATCHMENT,
        "Terapi psikososial enam bulan di asrama Sentra: konseling, kelompok dukungan sebaya, pencegahan "
        "kekambuhan.",
        "Korban penyalahgunaan NAPZA berusia 15 tahun ke atas, atas rujukan Dinas Sosial atau IPWL.",
        capacity=120,
        minimum_age=15,
    ),
    _Offer(
        "centre-spiritual",
        "centre",
        "Bimbingan mental spiritual",
        ServiceType.mental_spiritual_therapy,
        CATCHMENT,
        "Bimbingan keagamaan dan pembentukan karakter bagi penerima manfaat Sentra.",
        "Penerima manfaat layanan residensial Sentra.",
        capacity=120,
    ),
    _Offer(
        "dinsos-family",
        "dinsos",
        "Pendampingan keluarga PPKS",
        ServiceType.family_support,
        (BANDUNG,),
        "Kunjungan rumah, mediasi dan penguatan keluarga oleh pekerja sosial dan TKSK.",
        "Warga Kota Bandung yang tercatat sebagai PPKS.",
    ),
    _Offer(
        "dinsos-assistance",
        "dinsos",
        "Asistensi sosial dan bantuan kebutuhan dasar",
        ServiceType.social_assistance,
        (BANDUNG,),
        "Bantuan permakanan, sandang dan pengurusan dokumen kependudukan dan jaminan kesehatan.",
        "Warga Kota Bandung yang tercatat sebagai PPKS.",
    ),
    _Offer(
        "peduli-shelter",
        "peduli",
        "Rumah singgah anak jalanan",
        ServiceType.social_care,
        (BANDUNG,),
        "Tempat tinggal sementara, makan, sekolah kejar paket dan pendampingan anak jalanan.",
        "Anak jalanan dan anak telantar usia 6-18 tahun.",
        capacity=25,
        minimum_age=6,
        maximum_age=18,
    ),
    _Offer(
        "peduli-family",
        "peduli",
        "Dukungan keluarga dan reunifikasi",
        ServiceType.family_support,
        (BANDUNG, "32.04", "32.77"),
        "Penelusuran keluarga, mediasi dan pendampingan setelah anak atau lansia kembali ke keluarga.",
        "PPKS di Kota Bandung, Kabupaten Bandung dan Kota Cimahi.",
    ),
    _Offer(
        "kayu-training",
        "kayu",
        "Pelatihan mebel dari kayu bekas",
        ServiceType.vocational_training,
        (BANDUNG, "32.04", "32.77"),
        "Pelatihan kerja tiga bulan di bengkel: mengolah kayu bekas palet dan bongkaran menjadi mebel, "
        "keselamatan kerja, menghitung harga jual.",
        "Orang yang pulih dari penyalahgunaan NAPZA dan orang dengan HIV, 18-50 tahun.",
        capacity=16,
        minimum_age=18,
        maximum_age=50,
    ),
    _Offer(
        "kayu-enterprise",
        "kayu",
        "Pembinaan usaha mebel daur ulang",
        ServiceType.entrepreneurship,
        (BANDUNG, "32.04", "32.77"),
        "Pendampingan usaha setelah pelatihan: alat kerja bergulir, pesanan dari mitra, pembukuan sederhana.",
        "Lulusan pelatihan mebel Yayasan Kayu Harapan.",
        capacity=10,
    ),
    _Offer(
        "lansia-care",
        "lansia",
        "Perawatan lanjut usia di panti",
        ServiceType.social_care,
        (BANDUNG,),
        "Tempat tinggal, makan dan perawatan harian bagi lanjut usia telantar.",
        "Lanjut usia 60 tahun ke atas tanpa keluarga yang merawat.",
        capacity=40,
        minimum_age=60,
    ),
)


def directory_document(area_names: dict[str, str] | None = None) -> list[dict]:
    """The demo's directory as an HSDS 3 document (a list of service objects)."""
    providers = {p.key: p for p in PROVIDERS}
    document = []
    for offer in OFFERS:
        provider = providers[offer.provider]
        location = Location(
            _id(f"location:{provider.key}"),
            name=provider.name,
            address_1=provider.address,
            city=provider.city,
            state_province="Jawa Barat",
            country="ID",
            area_code=provider.village,
        )
        service = Service(
            _id(f"service:{offer.key}"),
            Organisation(_id(f"organisation:{provider.key}"), provider.name, provider.description),
            offer.name,
            service_type=offer.service_type,
            description=offer.description,
            eligibility_description=offer.eligibility,
            minimum_age=offer.minimum_age,
            maximum_age=offer.maximum_age,
            capacity=offer.capacity,
            areas=tuple(ServiceArea(_id(f"area:{offer.key}:{code}"), code) for code in offer.areas),
            locations=(ServiceAtLocation(_id(f"at:{offer.key}"), location),),
        )
        document.append(to_hsds(service, area_names))
    return document


def seed_directory(ctx: Context, organisations: dict[str, UUID]) -> dict[str, UUID]:
    """Import the demo's directory and link its providers to the organisations answering referrals in
    Inklusi; the services' ids by key."""
    system = Principal.system("demo")
    codes = {code for offer in OFFERS for code in offer.areas}
    imported = directory.import_hsds(
        ctx, system, directory_document(wilayah.area_names(ctx, codes)), source="demo"
    )
    if imported.rejected:  # the document is the demo's own: a problem here is a bug
        raise Invalid(msg("The demo's service directory was not imported"), list(imported.issues))
    services = {offer.key: _id(f"service:{offer.key}") for offer in OFFERS}
    for provider in PROVIDERS:
        wanted = organisations.get(provider.inklusi) if provider.inklusi else None
        first = next(o for o in OFFERS if o.provider == provider.key)
        found = directory.offer(ctx, services[first.key])
        if found is not None and found.organisation_id != wanted:
            directory.link_organisation(ctx, system, _id(f"organisation:{provider.key}"), wanted)
    return services


# --- The cases ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCase:
    person: str
    organisation: str
    phase: str
    worker: str  # username of the worker it is assigned to


@dataclass(frozen=True)
class DemoCases:
    organisations: int  # organisations working cases in the demo
    services: int  # services in the directory (the demo's)
    cases: tuple[DemoCase, ...]  # the cases opened now
    referred: str | None = None  # the person whose vocational training referral completed
    income: tuple[int, int] | None = None  # their income before and after (rupiah a month)
    refused: str | None = None  # the person whose transfer was refused
    waiting: str | None = None  # the person whose plan waits for a supervisor
    guardian: str | None = None  # who consented for the child


class _Demo:
    """The demo's organisations, workers and directory, and what the paths add to the report."""

    def __init__(self, ctx: Context, organisations: dict[str, UUID], services: dict[str, UUID]) -> None:
        self.ctx = ctx
        self.org = organisations
        self.service = services
        self.today = date.today()
        self.opened: dict[UUID, DemoCase] = {}  # the phase as it is now
        self.facts: dict[str, object] = {}
        self._principals: dict[str, Principal] = {}

    def __getitem__(self, username: str) -> Principal:
        if username not in self._principals:
            self._principals[username] = access.principal_of(self.ctx, username)
        return self._principals[username]

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def ahead(self, days: int) -> date:
        return self.today + timedelta(days=days)

    def open(
        self,
        worker: str,
        person: UUID,
        name: str,
        categories: list[str],
        *,
        follow_up_on: date | None = None,
    ) -> UUID:
        principal = self[worker]
        ref = cases.open_case(
            self.ctx, principal, person_id=person, categories=categories, follow_up_on=follow_up_on
        )
        organisation = next(n for n, i in self.org.items() if i == principal.organisation_id)
        self.opened[ref.id] = DemoCase(name, organisation, ref.phase.value, worker)
        return ref.id

    def assess(
        self,
        worker: str,
        case_id: UUID,
        categories: list[str],
        risk: RiskLevel,
        summary: str,
        **levels: NeedLevel,
    ) -> None:
        needs = tuple(
            Need(n.service_type, levels.get(n.service_type.value, n.level))
            for n in prefilled_needs(categories)
        )
        assessment = Assessment(needs, risk, tuple(categories), summary)
        cases.record_assessment(self.ctx, self[worker], case_id, assessment)
        self.move(worker, case_id, TransitionName.assess)

    def plan(self, worker: str, case_id: UUID, goals: tuple[str, ...], *items: PlanItem) -> None:
        cases.record_plan(self.ctx, self[worker], case_id, Plan(goals, items))
        self.move(worker, case_id, TransitionName.propose_plan)

    def item(
        self, service_type: ServiceType, organisation: str, start: int, due: int, key: str | None = None
    ) -> PlanItem:
        return PlanItem(
            service_type,
            self.org[organisation],
            self.ahead(start),
            self.ahead(due),
            self.service[key] if key else None,
        )

    def move(self, who: str, case_id: UUID, name: TransitionName, reason: str | None = None) -> None:
        ref = cases.transition(self.ctx, self[who], case_id, name, reason=reason)
        self.opened[case_id] = replace(self.opened[case_id], phase=ref.phase.value)

    def consent(self, worker: str, case_id: UUID, purpose: ConsentPurpose, to: str, scope: str) -> UUID:
        consent = Consent(
            purpose, scope, self.ago(1), recipient_organisation_id=self.org[to], expires_on=self.ahead(365)
        )
        return cases.record_consent(self.ctx, self[worker], case_id, consent)

    def serve(self, who: str, case_id: UUID, record: ServiceRecord) -> None:
        cases.record_service(self.ctx, self[who], case_id, record)


def _outreach_person(ctx: Context, name: str) -> tuple[UUID, str]:
    """A person of the demo's outreach list (registered outside households in Kota Bandung): their id and
    area; registered now if a registry from an older demo lacks them."""
    hits = registry.find_persons(ctx, Principal.system("demo"), name, within=BANDUNG)
    for hit in hits:
        if hit.household_id is None and hit.name == name:
            return hit.person_id, hit.village_code
    _, sex, born, situation, _area = next(entry for entry in OUTREACH if entry[0] == name)
    return _register(ctx, PersonData(name=name, sex=sex, birth_date=born), SUKASARI, situation)


def _resident(ctx: Context) -> tuple[UUID, str]:
    """The centre's resident (registered outside households at the centre, in Kota Sukabumi)."""
    name = "Andri Firmansyah"
    for hit in registry.find_persons(ctx, Principal.system("demo"), name, within=SUKABUMI):
        if hit.household_id is None and hit.name == name:
            return hit.person_id, hit.village_code
    person = PersonData(name=name, sex=Sex.male, birth_date=date(1998, 2, 14))
    return _register(ctx, person, SUKABUMI, INSTITUTION)


def _register(ctx: Context, person: PersonData, within: str, situation: int) -> tuple[UUID, str]:
    district = wilayah.areas_at_level(ctx, AreaLevel.district, within)[0]
    village = wilayah.children(ctx, district.code)[0].code
    record = OutsidePerson(person, village, situation)
    registered = registry.register_persons_outside(ctx, Principal.system("demo"), [record], source=SOURCE)
    return registered.person_ids[0], village


def _has_case(ctx: Context, person_id: UUID) -> bool:
    return bool(cases.cases_of_person(ctx, Principal.system("demo"), person_id))


def prepare_cases(
    ctx: Context, *, progress: Callable[..., None] = lambda _text, _done=0, _total=None: None
) -> DemoCases | None:
    """Seed the directory and work the demo's cases, each path as its workers would; None when every
    path's person had a case already (a demo run before)."""
    organisations = {name: access.organisation_id(ctx, name) for name in (CENTRE, DINSOS, PEDULI, KAYU)}
    missing = [name for name, found in organisations.items() if found is None]
    if missing:
        raise Invalid(msg("The demo's organisations are missing: {names}", names=", ".join(missing)))
    known = {name: found for name, found in organisations.items() if found is not None}
    progress(msg("Seeding the service directory (Open Referral HSDS) with the organisations' services"))
    services = seed_directory(ctx, known)
    demo = _Demo(ctx, known, services)
    paths: tuple[tuple[Callable[[_Demo, UUID], None], Callable[[Context], tuple[UUID, str]]], ...] = (
        (_completed_referral, lambda c: _outreach_person(c, "Asep Saepudin")),
        (_refused_transfer, lambda c: _outreach_person(c, "Entis Sutisna")),
        (_waiting_for_approval, lambda c: _outreach_person(c, "Ujang")),
        (_in_the_shelter, lambda c: _outreach_person(c, "Nining")),
        (_closed, lambda c: _outreach_person(c, "Darsih")),
        (_new_intake, lambda c: _outreach_person(c, "Mbok Sumi")),
        (_termination_waiting, _resident),
    )
    for done, (path, find) in enumerate(paths):
        progress(msg("Case management: working the demo's cases"), done, len(paths))
        person_id, _area = find(ctx)
        if not _has_case(ctx, person_id):
            path(demo, person_id)
    progress(msg("Case management: working the demo's cases"), len(paths), len(paths))
    if not demo.opened:
        return None
    facts = demo.facts
    return DemoCases(
        organisations=len(known),
        services=len(OFFERS),
        cases=tuple(demo.opened.values()),
        referred=facts.get("referred"),  # type: ignore[arg-type]
        income=facts.get("income"),  # type: ignore[arg-type]
        refused=facts.get("refused"),  # type: ignore[arg-type]
        waiting=facts.get("waiting"),  # type: ignore[arg-type]
        guardian=facts.get("guardian"),  # type: ignore[arg-type]
    )


# --- The paths ----------------------------------------------------------------------------------------------

_T = TransitionName


def _completed_referral(demo: _Demo, person: UUID) -> None:
    """Asep: sleeping rough, recovering from drug use, living with HIV. The Dinas Sosial's worker assesses
    him, the supervisor approves the plan; the centre's psychosocial rehabilitation and the foundation's
    vocational training (chosen from the directory) are referred with his consent and completed; his income
    before and after the training is recorded; he is reintegrated and monitored."""
    name = "Asep Saepudin"
    categories = ["homeless", "drug_abuse_victims", "people_living_with_hiv"]
    case_id = demo.open(WORKER, person, name, ["homeless"])
    demo.assess(
        WORKER,
        case_id,
        categories,
        RiskLevel.high,
        "Tidur di emperan toko di Sukasari; pernah memakai putaw, berhenti setahun; positif HIV, belum "
        "rutin ARV. Ingin bekerja dan punya tempat tinggal.",
        psychosocial_therapy=NeedLevel.high,
        vocational_training=NeedLevel.high,
        entrepreneurship=NeedLevel.medium,
    )
    demo.plan(
        WORKER,
        case_id,
        (
            "Pulih dari ketergantungan NAPZA dan rutin berobat ARV",
            "Punya keterampilan kerja dan penghasilan tetap",
            "Tinggal di tempat kos atau bersama keluarga",
        ),
        demo.item(ServiceType.psychosocial_therapy, CENTRE, 0, 180, "centre-napza"),
        demo.item(ServiceType.vocational_training, KAYU, 30, 120, "kayu-training"),
        demo.item(ServiceType.social_assistance, DINSOS, 0, 60, "dinsos-assistance"),
    )
    demo.move(SUPERVISOR, case_id, _T.approve_plan)
    to_centre = demo.consent(
        WORKER, case_id, ConsentPurpose.referral, CENTRE, "Rujukan rehabilitasi sosial NAPZA di Sentra"
    )
    rehab = cases.refer(
        demo.ctx,
        demo[WORKER],
        case_id,
        to_organisation_id=demo.org[CENTRE],
        service_type=ServiceType.psychosocial_therapy,
        reason="Butuh rehabilitasi residensial dan pencegahan kekambuhan",
        directory_service_id=demo.service["centre-napza"],
        consent_id=to_centre,
    )
    cases.accept_referral(demo.ctx, demo[CENTRE_WORKER], rehab.id)
    demo.serve(
        CENTRE_WORKER,
        case_id,
        ServiceRecord(
            ServiceType.psychosocial_therapy,
            demo.ago(100),
            demo.org[CENTRE],
            referral_id=rehab.id,
            note="Enam bulan di asrama; konseling individu dan kelompok sebaya selesai.",
        ),
    )
    cases.complete_referral(demo.ctx, demo[CENTRE_WORKER], rehab.id)
    demo.serve(
        WORKER,
        case_id,
        ServiceRecord(ServiceType.social_assistance, demo.ago(95), demo.org[DINSOS], programme_code="bpnt"),
    )
    to_kayu = demo.consent(
        WORKER,
        case_id,
        ConsentPurpose.referral,
        KAYU,
        "Rujukan pelatihan kerja mebel di Yayasan Kayu Harapan",
    )
    training = cases.refer(
        demo.ctx,
        demo[WORKER],
        case_id,
        to_organisation_id=demo.org[KAYU],
        service_type=ServiceType.vocational_training,
        reason="Selesai rehabilitasi di Sentra; ingin bekerja di bidang pertukangan",
        directory_service_id=demo.service["kayu-training"],
        consent_id=to_kayu,
    )
    cases.accept_referral(demo.ctx, demo[KAYU_WORKER], training.id)
    demo.serve(
        KAYU_WORKER,
        case_id,
        ServiceRecord(
            ServiceType.vocational_training,
            demo.ago(40),
            demo.org[KAYU],
            referral_id=training.id,
            note="Pelatihan mebel dari kayu bekas, 3 bulan, hadir 58 dari 60 hari.",
        ),
    )
    before, after = 300_000, 2_250_000
    for outcome in (
        Outcome(OutcomeKind.training_completed, demo.ago(40), referral_id=training.id),
        Outcome(
            OutcomeKind.income,
            demo.ago(7),
            income_before=before,
            income_after=after,
            note="Sebelumnya memulung; kini tukang di bengkel mitra yayasan dengan upah harian.",
            referral_id=training.id,
        ),
    ):
        cases.record_outcome(demo.ctx, demo[KAYU_WORKER], case_id, outcome)
    cases.complete_referral(demo.ctx, demo[KAYU_WORKER], training.id)
    cases.add_note(demo.ctx, demo[WORKER], case_id, "Rutin minum ARV; kontrol di puskesmas tiap bulan.")
    demo.move(WORKER, case_id, _T.reintegrate)
    demo.move(WORKER, case_id, _T.monitor)
    cases.schedule_follow_up(demo.ctx, demo[WORKER], case_id, demo.ahead(30))
    demo.facts |= {"referred": name, "income": (before, after)}


def _refused_transfer(demo: _Demo, person: UUID) -> None:
    """Entis: an elderly man sleeping rough, a former drug user. The Dinas Sosial proposes, with his
    consent, to hand his case to the centre for residential rehabilitation; the centre refuses (no room)."""
    name = "Entis Sutisna"
    case_id = demo.open(WORKER, person, name, ["homeless", "neglected_elderly"])
    demo.assess(
        WORKER,
        case_id,
        ["homeless", "neglected_elderly", "drug_abuse_victims"],
        RiskLevel.medium,
        "Tidur di pasar; riwayat memakai NAPZA; tidak ada keluarga yang dapat dihubungi.",
        social_care=NeedLevel.high,
    )
    consent = demo.consent(
        WORKER, case_id, ConsentPurpose.transfer, CENTRE, "Pemindahan penanganan kasus ke Sentra"
    )
    transfer = cases.propose_transfer(
        demo.ctx,
        demo[WORKER],
        case_id,
        to_organisation_id=demo.org[CENTRE],
        reason="Butuh rehabilitasi residensial dan tempat tinggal; Dinsos tidak punya asrama",
        consent_id=consent,
    )
    cases.refuse_transfer(
        demo.ctx,
        demo[CENTRE_WORKER],
        transfer.id,
        reason="Asrama penuh sampai tiga bulan ke depan; rujuk ke panti lanjut usia dan ajukan lagi nanti",
    )
    demo.facts["refused"] = name


def _waiting_for_approval(demo: _Demo, person: UUID) -> None:
    """Ujang: a boy living on the street. His aunt, his guardian, consents for him; the foundation's worker
    assesses him and proposes a plan that waits for the foundation's supervisor."""
    name = "Ujang"
    guardian = "Imas Masitoh"
    case_id = demo.open(PEDULI_WORKER, person, name, ["street_children"])
    cases.record_consent(
        demo.ctx,
        demo[PEDULI_WORKER],
        case_id,
        Consent(
            ConsentPurpose.assessment,
            "Asesmen dan pencatatan data anak oleh Yayasan Peduli Sesama dan Dinas Sosial",
            demo.ago(2),
            given_by=GivenBy.guardian,
            guardian_name=guardian,
            guardian_relationship="Bibi (wali)",
        ),
    )
    demo.assess(
        PEDULI_WORKER,
        case_id,
        ["street_children", "neglected_children"],
        RiskLevel.high,
        "Mengamen di perempatan; putus sekolah kelas 5; ibu merantau, tinggal bergantian dengan bibi.",
        social_care=NeedLevel.high,
        family_support=NeedLevel.high,
    )
    demo.plan(
        PEDULI_WORKER,
        case_id,
        ("Tinggal di rumah singgah dan kembali sekolah (kejar paket A)", "Kembali tinggal bersama keluarga"),
        demo.item(ServiceType.social_care, PEDULI, 3, 180, "peduli-shelter"),
        demo.item(ServiceType.family_support, DINSOS, 30, 180, "dinsos-family"),
    )
    demo.facts |= {"waiting": name, "guardian": guardian}


def _in_the_shelter(demo: _Demo, person: UUID) -> None:
    """Nining: a girl in a shelter; the plan approved, her stay in the foundation's shelter recorded."""
    case_id = demo.open(PEDULI_WORKER, person, "Nining", ["street_children"])
    demo.assess(
        PEDULI_WORKER,
        case_id,
        ["street_children"],
        RiskLevel.medium,
        "Ditemukan di terminal; sekarang di rumah singgah.",
        social_care=NeedLevel.high,
    )
    demo.plan(
        PEDULI_WORKER,
        case_id,
        ("Aman di rumah singgah dan bersekolah",),
        demo.item(ServiceType.social_care, PEDULI, 0, 120, "peduli-shelter"),
    )
    demo.move(PEDULI_SUPERVISOR, case_id, _T.approve_plan)
    demo.serve(
        PEDULI_WORKER,
        case_id,
        ServiceRecord(ServiceType.social_care, demo.ago(3), demo.org[PEDULI], note="Masuk rumah singgah."),
    )


def _closed(demo: _Demo, person: UUID) -> None:
    """Darsih: an elderly woman in a care home; the district's TKSK works the case through: services
    recorded, termination approved by the supervisor, aftercare, closed."""
    case_id = demo.open(TKSK, person, "Darsih", ["neglected_elderly", "homeless"])
    demo.assess(
        TKSK,
        case_id,
        ["neglected_elderly", "homeless"],
        RiskLevel.medium,
        "Lansia tanpa keluarga, dititipkan warga ke panti.",
        decent_living_support=NeedLevel.high,
    )
    demo.plan(
        TKSK,
        case_id,
        ("Kebutuhan dasar terpenuhi dan tinggal menetap di panti",),
        demo.item(ServiceType.decent_living_support, DINSOS, 0, 60, "dinsos-assistance"),
    )
    demo.move(SUPERVISOR, case_id, _T.approve_plan)
    for service_type, days in ((ServiceType.decent_living_support, 50), (ServiceType.social_care, 45)):
        demo.serve(TKSK, case_id, ServiceRecord(service_type, demo.ago(days), demo.org[DINSOS]))
    cases.record_outcome(
        demo.ctx,
        demo[TKSK],
        case_id,
        Outcome(OutcomeKind.other, demo.ago(10), note="Tinggal menetap di panti; sehat."),
    )
    demo.move(TKSK, case_id, _T.propose_termination, "Tujuan rencana tercapai")
    demo.move(SUPERVISOR, case_id, _T.approve_termination)
    demo.move(TKSK, case_id, _T.close)


def _new_intake(demo: _Demo, person: UUID) -> None:
    """Mbok Sumi: opened by the TKSK, the follow-up visit overdue, a referral for family support waiting
    for the foundation's answer."""
    case_id = demo.open(TKSK, person, "Mbok Sumi", ["neglected_elderly"], follow_up_on=demo.ago(3))
    consent = demo.consent(
        TKSK,
        case_id,
        ConsentPurpose.referral,
        PEDULI,
        "Rujukan penelusuran keluarga ke Yayasan Peduli Sesama",
    )
    cases.refer(
        demo.ctx,
        demo[TKSK],
        case_id,
        to_organisation_id=demo.org[PEDULI],
        service_type=ServiceType.family_support,
        reason="Ingin dipertemukan dengan anaknya di Cimahi",
        directory_service_id=demo.service["peduli-family"],
        consent_id=consent,
    )


def _termination_waiting(demo: _Demo, person: UUID) -> None:
    """Andri: a resident of the centre; rehabilitation done, reintegrated, termination proposed and waiting
    for the centre's supervisor."""
    case_id = demo.open(CENTRE_WORKER, person, "Andri Firmansyah", ["drug_abuse_victims"])
    demo.assess(
        CENTRE_WORKER,
        case_id,
        ["drug_abuse_victims"],
        RiskLevel.medium,
        "Rujukan IPWL; pemakaian sabu dua tahun.",
        psychosocial_therapy=NeedLevel.high,
    )
    demo.plan(
        CENTRE_WORKER,
        case_id,
        ("Pulih dan kembali ke keluarga",),
        demo.item(ServiceType.psychosocial_therapy, CENTRE, 0, 180, "centre-napza"),
        demo.item(ServiceType.mental_spiritual_therapy, CENTRE, 0, 180, "centre-spiritual"),
    )
    demo.move(CENTRE_SUPERVISOR, case_id, _T.approve_plan)
    for service_type, days in (
        (ServiceType.psychosocial_therapy, 30),
        (ServiceType.mental_spiritual_therapy, 20),
    ):
        demo.serve(CENTRE_WORKER, case_id, ServiceRecord(service_type, demo.ago(days), demo.org[CENTRE]))
    demo.move(CENTRE_WORKER, case_id, _T.reintegrate)
    demo.move(
        CENTRE_WORKER, case_id, _T.propose_termination, "Program residensial selesai; kembali ke keluarga"
    )
