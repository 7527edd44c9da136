"""Sealing, opening and blind indexes of ``inklusi.vault``, without a database."""

from __future__ import annotations

import secrets

import pytest
from cryptography.exceptions import InvalidTag

from inklusi import vault
from tests.conftest import REPOSITORY

KEY = secrets.token_bytes(32)
AAD = vault.associated_data("nik", "person_version.nik")


def test_a_sealed_value_opens_to_itself_and_names_its_key_version() -> None:
    sealed = vault.seal(KEY, 7, AAD, "3273011501900001")
    assert vault.version_of(sealed) == 7
    assert b"3273011501900001" not in sealed
    assert vault.open_sealed(KEY, AAD, sealed) == "3273011501900001"


def test_sealing_twice_gives_two_ciphertexts() -> None:
    assert vault.seal(KEY, 1, AAD, "3273011501900001") != vault.seal(KEY, 1, AAD, "3273011501900001")


def test_a_tampered_value_is_refused() -> None:
    sealed = bytearray(vault.seal(KEY, 1, AAD, "3273011501900001"))
    sealed[-1] ^= 1
    with pytest.raises(InvalidTag):
        vault.open_sealed(KEY, AAD, bytes(sealed))


def test_a_value_moved_to_another_column_is_refused() -> None:
    sealed = vault.seal(KEY, 1, AAD, "3273011501900001")
    with pytest.raises(InvalidTag):
        vault.open_sealed(KEY, vault.associated_data("kk", "family_version.kk_number"), sealed)


def test_the_blind_index_is_equal_for_equal_values_and_differs_per_key_and_purpose() -> None:
    other = secrets.token_bytes(32)
    index = vault.index_of(KEY, "nik", "3273011501900001")
    assert index == vault.index_of(KEY, "nik", "3273011501900001")
    assert len(index) == vault.INDEX_BYTES
    assert index != vault.index_of(other, "nik", "3273011501900001")
    assert index != vault.index_of(KEY, "kk", "3273011501900001")
    assert index != vault.index_of(KEY, "nik", "3273011501900002")


def test_wrapped_keys_open_only_with_their_master_key() -> None:
    master, other = secrets.token_bytes(32), secrets.token_bytes(32)
    wrapped = vault.wrap(master, KEY)
    assert vault.unwrap(master, wrapped) == KEY
    with pytest.raises(vault.KeyProblem):
        vault.unwrap(other, wrapped)


def test_master_keys_are_64_hexadecimal_digits(tmp_path) -> None:
    assert vault.parse_master_key("ab" * 32) == bytes.fromhex("ab" * 32)
    for bad in ("ab" * 16, "not a key", ""):
        with pytest.raises(vault.KeyProblem):
            vault.parse_master_key(bad)
    path = tmp_path / "master.key"
    path.write_text(vault.new_master_key())
    path.chmod(0o644)
    with pytest.raises(vault.KeyProblem, match="readable by others"):
        vault.read_master_key_file(path)
    path.chmod(0o600)
    assert len(vault.read_master_key_file(path)) == 32


def test_only_the_vault_uses_aes_gcm_and_key_wrap() -> None:
    sources = (REPOSITORY / "src" / "inklusi").rglob("*.py")
    users = sorted(
        str(path.relative_to(REPOSITORY))
        for path in sources
        if any(name in path.read_text(encoding="utf-8") for name in ("ciphers.aead", "keywrap"))
    )
    assert users == ["src/inklusi/vault.py"]
