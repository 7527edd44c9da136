"""Addresses and SLS (RT/RW) that look Indonesian, and approximate coordinates.

Urban households live on a *Jl.* (street), a *Gg.* (alley), in a *Perum* (housing estate) block or a
*Kp.* (kampung); rural households in a *Dusun* — *Jorong* in West Sumatra, *Banjar* in Bali, *Kampung* in
Papua, *Lingkungan* in parts of Sulawesi and Nusa Tenggara. Every address ends with its RT/RW, which is also
the household's SLS. Street and hamlet names are common patterns (heroes, flowers, "Suka-" and "-rejo"
compounds), not real addresses.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.registry.model import LATITUDE_RANGE, LONGITUDE_RANGE
from inklusi.synth.sampling import Rng, categorical

STREETS = (
    "Jenderal Sudirman", "Diponegoro", "Ahmad Yani", "Gatot Subroto", "Imam Bonjol", "Pattimura",
    "Hasanuddin",
    "Teuku Umar", "Cut Nyak Dien", "Kartini", "Dewi Sartika", "Ki Hajar Dewantara", "Pahlawan", "Merdeka",
    "Veteran", "Pemuda", "Sisingamangaraja", "Gajah Mada", "Hayam Wuruk", "Sriwijaya", "Majapahit",
    "Pangeran Antasari", "Sultan Agung", "Raden Patah", "Kapten Tendean", "Sam Ratulangi", "WR Supratman",
    "Melati", "Mawar", "Kenanga", "Anggrek", "Flamboyan", "Cempaka", "Dahlia", "Kamboja", "Teratai", "Seroja",
    "Mangga", "Rambutan", "Durian", "Nangka", "Kelapa", "Beringin", "Jati", "Cendana", "Bambu Kuning",
    "Raya", "Pasar", "Masjid", "Sekolah", "Kampung Baru", "Lapangan", "Stasiun", "Pelabuhan", "Irigasi",
    "Kebon Jeruk", "Kebon Kacang", "Pondok Indah", "Cemara", "Nusantara", "Garuda", "Rajawali", "Merpati",
)  # fmt: skip
ESTATES = (
    "Griya Asri", "Bumi Indah", "Taman Sari", "Permata Hijau", "Graha Indah", "Citra Raya", "Puri Indah",
    "Villa Mutiara", "Bukit Permai", "Pesona Alam", "Griya Harapan", "Taman Kencana",
)  # fmt: skip
HAMLETS = (
    "Krajan", "Sukamaju", "Sukamulya", "Sukasari", "Karanganyar", "Kebonagung", "Tegalsari", "Sidomulyo",
    "Mekarsari", "Margamulya", "Sumbersari", "Wonorejo", "Sidorejo", "Banjarsari", "Ngasem", "Kauman",
    "Kidul", "Lor", "Wetan", "Kulon", "Tengah", "Pasir Jaya", "Cibeureum", "Tanjung", "Air Putih",
    "Simpang Tiga", "Lubuk Sari", "Koto Tuo", "Bukit Harapan", "Mekar Jaya", "Harapan Baru", "Sido Makmur",
    "Sri Rejeki", "Suka Damai", "Tunas Baru", "Pantai Indah", "Sungai Baru", "Batu Putih", "Mulia", "Satu",
    "Dua", "Tiga", "Empat", "Lima",
)  # fmt: skip
HAMLET_WORD = {"13": "Jorong", "51": "Banjar", "71": "Lingkungan", "73": "Lingkungan", "52": "Lingkungan"}
PAPUA = ("91", "92", "93", "94", "95", "96")


def addresses(
    rng: Rng, urban: np.ndarray, province_code: np.ndarray, village: np.ndarray
) -> tuple[pa.Array, pa.Array]:
    """(address, sls) strings per household."""
    n = len(urban)
    words = pa.array(["Jl.", "Gg.", "Perum", "Kp.", "Dusun", "Jorong", "Banjar", "Kampung", "Lingkungan"])
    kind = categorical(rng, (0.60, 0.20, 0.12, 0.08), n)
    hamlet_word = np.full(n, 4)
    for code, hamlet_name in HAMLET_WORD.items():
        hamlet_word[province_code == code] = ("Dusun", "Jorong", "Banjar", "Kampung", "Lingkungan").index(
            hamlet_name
        ) + 4
    hamlet_word[np.isin(province_code, PAPUA)] = 7
    word = np.where(urban, kind, hamlet_word)
    street = rng.integers(0, len(STREETS), n)
    estate = rng.integers(0, len(ESTATES), n)
    # a village's hamlet names repeat for its households: derive them from the village number
    hamlet = (village * 7 + rng.integers(0, 3, n)) % len(HAMLETS)
    name_vocab = pa.array([*STREETS, *ESTATES, *HAMLETS])
    name_index = np.select(
        [word <= 1, word == 2, word == 3],
        [street, len(STREETS) + estate, len(STREETS) + len(ESTATES) + hamlet],
        len(STREETS) + len(ESTATES) + hamlet,
    )
    number = rng.integers(1, 120, n)
    block = np.array(list("ABCDEFGH"))[rng.integers(0, 8, n)]
    has_number = word <= 2
    number_text = pc.binary_join_element_wise(pa.scalar("No."), pc.cast(pa.array(number), pa.string()), " ")
    number_text = pc.if_else(pa.array(has_number), number_text, pa.scalar(None, pa.string()))
    block_text = pc.if_else(
        pa.array(word == 2),
        pc.binary_join_element_wise(pa.scalar("Blok"), pa.array(block), " "),
        pa.scalar(None, pa.string()),
    )
    rw_count = 2 + (village * 5) % 9
    rw = 1 + (rng.random(n) * rw_count).astype(np.int64)
    rt = 1 + rng.integers(0, 10, n)
    sls = pc.binary_join_element_wise(pa.scalar("RT "), _padded(rt), pa.scalar("/RW "), _padded(rw), "")
    address = pc.binary_join_element_wise(
        pc.take(words, pa.array(word)),
        pc.take(name_vocab, pa.array(name_index)),
        block_text,
        number_text,
        sls,
        " ",
        null_handling="skip",
    )
    return address, sls


def _padded(values: np.ndarray) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), 3, "0")


def coordinates(
    rng: Rng, village_latitude: np.ndarray, village_longitude: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """About a kilometre of scatter around the village point, kept inside Indonesia's bounding box."""
    n = len(village_latitude)
    latitude = (village_latitude + rng.normal(0, 0.01, n)).clip(
        LATITUDE_RANGE[0] + 0.5, LATITUDE_RANGE[1] - 0.5
    )
    longitude = (village_longitude + rng.normal(0, 0.01, n)).clip(
        LONGITUDE_RANGE[0] + 0.5, LONGITUDE_RANGE[1] - 0.5
    )
    return latitude.round(5), longitude.round(5)
