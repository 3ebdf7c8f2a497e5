"""Masked identities for viewers who need no more (Decision 2666/QĐ-BYT, 2021):
venue staff see "Nguyễn Văn *** (SĐT 0912345***)", never the full details."""


def mask_name(full_name: str) -> str:
    parts = full_name.split()
    if len(parts) <= 1:
        return "***"
    return " ".join([*parts[:-1], "***"])


def mask_phone(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    if len(digits) <= 3:
        return "***" if digits else ""
    return digits[:-3] + "***"


def mask_id_number(id_number: str) -> str:
    if len(id_number) <= 4:
        return "***" if id_number else ""
    return "*" * (len(id_number) - 4) + id_number[-4:]
