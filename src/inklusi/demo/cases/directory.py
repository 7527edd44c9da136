"""The demo's service directory: the organisations' services as an HSDS 3 document (built with
``directory.hsds_out.to_hsds``), imported like any other and linked to the organisations that answer referrals
in Inklusi."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from inklusi.access.model import Principal
from inklusi.context import Context
from inklusi.demo.cases.organisations import (
    BANDUNG,
    CATCHMENT,
    CENTRE,
    DINSOS,
    KAYU,
    PEDULI,
    SUKABUMI,
    SUKASARI,
)
from inklusi.directory import service as directory
from inklusi.directory.hsds_out import to_hsds
from inklusi.directory.model import Location, Organisation, Service, ServiceArea, ServiceAtLocation
from inklusi.errors import Invalid
from inklusi.i18n import msg
from inklusi.ppks.model import ServiceType
from inklusi.wilayah import service as wilayah


def _id(key: str) -> UUID:
    """A fixed id for a record of the demo's directory (importing it again changes nothing)."""
    return uuid5(NAMESPACE_URL, f"urn:inklusi:demo:directory:{key}")


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
