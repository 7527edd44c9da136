"""The paths the demo's cases are worked along (issue 15), one function a person: each opens the person's
case as its worker and takes it as far as the path goes."""

from __future__ import annotations

from uuid import UUID

from inklusi.cases import service as cases
from inklusi.cases.handovers import Consent, ConsentPurpose, GivenBy
from inklusi.cases.model import TransitionName
from inklusi.cases.records import NeedLevel, Outcome, OutcomeKind, RiskLevel, ServiceRecord
from inklusi.demo.cases.casework import Casework
from inklusi.demo.cases.organisations import (
    CENTRE,
    CENTRE_SUPERVISOR,
    CENTRE_WORKER,
    DINSOS,
    KAYU,
    KAYU_WORKER,
    PEDULI,
    PEDULI_SUPERVISOR,
    PEDULI_WORKER,
    SUPERVISOR,
    TKSK,
    WORKER,
)
from inklusi.ppks.model import ServiceType

_T = TransitionName


def completed_referral(demo: Casework, person: UUID) -> None:
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
    rehab = demo.refer(
        WORKER,
        case_id,
        CENTRE,
        ServiceType.psychosocial_therapy,
        scope="Rujukan rehabilitasi sosial NAPZA di Sentra",
        reason="Butuh rehabilitasi residensial dan pencegahan kekambuhan",
        key="centre-napza",
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
    training = demo.refer(
        WORKER,
        case_id,
        KAYU,
        ServiceType.vocational_training,
        scope="Rujukan pelatihan kerja mebel di Yayasan Kayu Harapan",
        reason="Selesai rehabilitasi di Sentra; ingin bekerja di bidang pertukangan",
        key="kayu-training",
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


def refused_transfer(demo: Casework, person: UUID) -> None:
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


def waiting_for_approval(demo: Casework, person: UUID) -> None:
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


def in_the_shelter(demo: Casework, person: UUID) -> None:
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


def closed(demo: Casework, person: UUID) -> None:
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


def new_intake(demo: Casework, person: UUID) -> None:
    """Mbok Sumi: opened by the TKSK, the follow-up visit overdue, a referral for family support waiting
    for the foundation's answer."""
    case_id = demo.open(TKSK, person, "Mbok Sumi", ["neglected_elderly"], follow_up_on=demo.ago(3))
    demo.refer(
        TKSK,
        case_id,
        PEDULI,
        ServiceType.family_support,
        scope="Rujukan penelusuran keluarga ke Yayasan Peduli Sesama",
        reason="Ingin dipertemukan dengan anaknya di Cimahi",
        key="peduli-family",
    )


def termination_waiting(demo: Casework, person: UUID) -> None:
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
