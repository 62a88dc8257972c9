"""Sealing personal data (with key rotation) and masking it for display."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from shared.pii import Sealer, mask_name, mask_phone, mask_typed

WISHER = {"name": "李景荣", "id_number": "41000019520314001X", "phone": "13803941234"}


def _key() -> str:
    return Fernet.generate_key().decode()


def test_seal_round_trips():
    """What is sealed opens to the same data."""
    sealer = Sealer(f"k1:{_key()}")
    assert sealer.open(sealer.seal(WISHER)) == WISHER


def test_sealed_text_hides_the_personal_data():
    """The sealed string contains neither the ID number, the phone nor the name."""
    sealed = Sealer(f"k1:{_key()}").seal(WISHER)
    for secret in WISHER.values():
        assert secret not in sealed


def test_rotation_opens_old_data_and_seals_with_the_new_key():
    """After rotation, data sealed with the old key still opens; new seals use the new key."""
    k1, k2 = _key(), _key()
    sealed_before = Sealer(f"old:{k1}").seal(WISHER)
    rotated = Sealer(f"new:{k2},old:{k1}")
    assert rotated.open(sealed_before) == WISHER
    sealed_after = rotated.seal(WISHER)
    assert sealed_after.startswith("new.")
    assert rotated.open(sealed_after) == WISHER
    with pytest.raises(ValueError):
        Sealer(f"old:{k1}").open(sealed_after)


def test_unknown_key_id_is_refused():
    """Data sealed under a key id the sealer does not hold raises ValueError."""
    sealed = Sealer(f"gone:{_key()}").seal(WISHER)
    with pytest.raises(ValueError, match="unknown key id"):
        Sealer(f"k1:{_key()}").open(sealed)


def test_tampered_token_is_refused():
    """A changed character in the token raises ValueError, not garbage data."""
    sealer = Sealer(f"k1:{_key()}")
    sealed = sealer.seal(WISHER)
    i = len(sealed) // 2
    tampered = sealed[:i] + ("A" if sealed[i] != "A" else "B") + sealed[i + 1:]
    with pytest.raises(ValueError):
        sealer.open(tampered)


def test_same_key_id_with_another_key_is_refused():
    """A token sealed under the same id but a different key does not open."""
    sealed = Sealer(f"k1:{_key()}").seal(WISHER)
    with pytest.raises(ValueError):
        Sealer(f"k1:{_key()}").open(sealed)


@pytest.mark.parametrize("name, masked", [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "李*")])
def test_mask_name(name, masked):
    """Only the first character of a name is shown."""
    assert mask_name(name) == masked


def test_mask_phone():
    """Only the first three and last four digits of a phone are shown."""
    assert mask_phone("13812341234") == "138****1234"


def test_typed_phone_and_id_numbers_are_masked_and_other_numbers_left_alone():
    typed = "老人电话13812341234，身份证41160219480315002X，座机0394-8123456，门牌12号，订单2026120112345678"
    masked = mask_typed(typed)
    assert "13812341234" not in masked and "138****1234" in masked
    assert "41160219480315002X" not in masked and masked.count("*") >= 4 + 11 + 4
    assert "8123456" not in masked
    assert "门牌12号" in masked and "2026120112345678" in masked  # not a phone, not an ID
