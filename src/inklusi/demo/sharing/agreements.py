"""The demo's partners: a provincial zakat foundation (BAZNAS-like, Jawa Barat, deciles 1–4, pseudonymised
ids, birth years, districts) and a ministry programme (DKI Jakarta and Jawa Barat, ids as they are, no
names), each agreement drafted by the administrator and approved by a privacy officer (four eyes), each
with client credentials, and a few of their requests (search, lookup by NIK, match-only) through the
partner service like any partner's — every read audited as the partner's."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from uuid import UUID

from inklusi.access import service as access
from inklusi.access.model import OrganisationKind, Principal
from inklusi.context import Context
from inklusi.ppks.model import Sensitivity
from inklusi.sharing import service as sharing
from inklusi.sharing.model import AgreementTerms, Operation, Transform

DRAFTER = "admin"  # sharing:manage, nationwide
APPROVER = "petugas.privasi"  # privacy_officer, nationwide: approves what someone else drafted
APPROVER_NAME, APPROVER_ORGANISATION = "Petugas Pelindungan Data", "Kementerian Sosial RI"
FOUNDATION = ("BAZNAS Provinsi Jawa Barat", OrganisationKind.ngo, "32")
MINISTRY = ("Direktorat Jaminan Sosial Keluarga", OrganisationKind.central, None)
PURPOSE = "Verifikasi calon penerima bantuan (demo)"
FOUNDATION_FIELDS = {
    "household.id": Transform.pseudonymise,
    "household.area_code": Transform.generalise,
    "household.decile": Transform.as_is,
    "person.id": Transform.pseudonymise,
    "person.nik": Transform.as_is,
    "person.name": Transform.as_is,
    "person.birth_date": Transform.generalise,
}
MINISTRY_FIELDS = {
    "household.id": Transform.as_is,
    "household.kk_number": Transform.pseudonymise,
    "household.area_code": Transform.as_is,
    "household.size": Transform.as_is,
    "household.decile": Transform.as_is,
    "household.regional_decile": Transform.as_is,
    "person.id": Transform.as_is,
    "person.nik": Transform.pseudonymise,
    "person.sex": Transform.as_is,
    "person.relationship": Transform.as_is,
    "person.ppks_categories": Transform.as_is,
}


@dataclass(frozen=True)
class DemoSharing:
    agreements: tuple[str, ...]  # their names
    clients: tuple[str, ...]  # client ids (their secrets are not kept)
    households_found: int  # by the partners' searches (the first page's total)
    looked_up: bool  # the foundation found a household by a member's NIK
    matched: bool  # its match-only question was answered yes
    reads: int  # partner reads audited (sharing.partner_read and sharing.partner_match)
    ministry_agreement: UUID  # where the demo's DCI gateway gets its client
    nik: str | None  # a NIK the foundation found in Jawa Barat (for the DCI search by NIK)


def _organisation(ctx: Context, name: str, kind: OrganisationKind, area: str | None) -> None:
    if access.organisation_id(ctx, name) is None:
        access.create_organisation(ctx, Principal.system("demo"), name, kind, area)


def _approver(ctx: Context) -> Principal:
    from inklusi.demo import DEMO_PASSWORD  # (the demo package imports this module)

    system = Principal.system("demo")
    if APPROVER not in {user.username for user in access.list_users(ctx, system)}:
        organisation = access.organisation_id(ctx, APPROVER_ORGANISATION) or access.create_organisation(
            ctx, system, APPROVER_ORGANISATION, OrganisationKind.central
        )
        access.create_user(
            ctx, system, username=APPROVER, password=DEMO_PASSWORD, organisation_id=organisation,
            display_name=APPROVER_NAME, grants=[("privacy_officer", None)],
        )  # fmt: skip
    return access.principal_of(ctx, APPROVER)


def share_demo(ctx: Context) -> DemoSharing | None:
    """Agreements, clients and a few partner requests (``None``: the demo's agreements exist already)."""
    drafter = access.principal_of(ctx, DRAFTER)
    if any(info.agreement.name.endswith("(demo)") for info in sharing.list_agreements(ctx, drafter)):
        return None
    approver = _approver(ctx)
    for name, kind, area in (FOUNDATION, MINISTRY):
        _organisation(ctx, name, kind, area)
    foundation_org = access.organisation_id(ctx, FOUNDATION[0])
    ministry_org = access.organisation_id(ctx, MINISTRY[0])
    assert foundation_org is not None and ministry_org is not None  # created just above
    today = sharing.today(ctx)
    common = AgreementTerms(
        organisation_id=foundation_org, name="", purpose="", operations={}, areas=(), deciles=(),
        ppks_categories=(), fields={}, sensitivity_ceiling=Sensitivity.personal,
        legal_basis="UU 27/2022 Pasal 20 ayat (2); perjanjian kerja sama (demo)",
        valid_from=today - timedelta(days=1), valid_to=today + timedelta(days=365), retention_days=180,
    )  # fmt: skip
    drafts = [
        replace(
            common, name="Penyaluran zakat Jawa Barat (demo)",
            purpose="Menyalurkan zakat kepada rumah tangga miskin (desil 1-4) di Jawa Barat",
            operations={Operation.lookup: 500, Operation.search: 2000, Operation.match: 5000},
            areas=("32",), deciles=(1, 2, 3, 4), fields=FOUNDATION_FIELDS, rate_per_minute=120,
        ),
        replace(
            common, organisation_id=ministry_org, name="Verifikasi program keluarga (demo)",
            purpose="Memadankan peserta program dengan desil kesejahteraan",
            operations={Operation.lookup: 1000, Operation.search: 5000, Operation.extract: 5000,
                        Operation.match: 10000},
            areas=("31", "32"), fields=MINISTRY_FIELDS, rate_per_minute=300,
        ),
    ]  # fmt: skip
    agreements = []
    for terms in drafts:
        drafted = sharing.draft_agreement(ctx, drafter, terms)
        agreements.append(sharing.approve_agreement(ctx, approver, drafted.id))
    issued = [
        sharing.issue_client(ctx, drafter, agreements[0].id, name="Aplikasi mustahik BAZNAS Jabar"),
        sharing.issue_client(ctx, drafter, agreements[1].id, name="Sistem verifikasi kementerian"),
    ]
    foundation, ministry = (
        sharing.authenticate_partner(ctx, sharing.issue_token(ctx, c.client_id, c.client_secret).access_token)
        for c in issued
    )
    found = sharing.search(ctx, foundation, purpose=PURPOSE, query=sharing.SharedQuery(area_code="32"))
    ministry_page = sharing.search(
        ctx, ministry, purpose=PURPOSE, query=sharing.SharedQuery(area_code="31"), page_size=10
    )
    nik = next(
        (str(m["person.nik"]) for h in found.households for m in h.members if m.get("person.nik")), None
    )
    looked_up = matched = False
    if nik is not None:
        looked_up = bool(sharing.lookup(ctx, foundation, purpose=PURPOSE, by="nik", value=nik).households)
        matched = sharing.match(
            ctx, foundation, purpose=PURPOSE, nik=nik, deciles=(1, 2, 3, 4), area_code="32"
        )
    reads = (
        (1 if found.households else 0)
        + (1 if ministry_page.households else 0)
        + looked_up
        + (nik is not None)
    )
    return DemoSharing(
        agreements=tuple(a.name for a in agreements),
        clients=tuple(c.client_id for c in issued),
        households_found=found.total + ministry_page.total,
        looked_up=looked_up,
        matched=matched,
        reads=reads,
        ministry_agreement=agreements[1].id,
        nik=nik,
    )
