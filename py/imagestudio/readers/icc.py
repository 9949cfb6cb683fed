"""ICC colour profile -> its colour space and what else it reveals, read by hand (the browser has no LittleCMS)."""

from .. import icc_profile
from ..report import Finding, shorten

MAX_TAGS = 200  # a real profile has a few dozen; more means a corrupt table


def _tag(profile: bytes, signature: bytes) -> bytes | None:
    if len(profile) < 132:
        return None
    count = min(int.from_bytes(profile[128:132], "big"), MAX_TAGS)
    for i in range(count):
        entry = profile[132 + 12 * i:144 + 12 * i]
        if len(entry) < 12:
            return None
        if entry[:4] == signature:
            offset, size = int.from_bytes(entry[4:8], "big"), int.from_bytes(entry[8:12], "big")
            return profile[offset:offset + size]
    return None


def _text(tag: bytes | None) -> str | None:
    """Decode a 'desc' (ICC v2 textDescription), 'mluc' (v4) or 'text' tag."""
    if not tag or len(tag) < 12:
        return None
    kind = tag[:4]
    if kind == b"desc":
        length = int.from_bytes(tag[8:12], "big")
        return tag[12:12 + length].split(b"\x00")[0].decode("latin-1").strip() or None
    if kind == b"mluc" and len(tag) >= 28:
        length, offset = int.from_bytes(tag[20:24], "big"), int.from_bytes(tag[24:28], "big")
        return tag[offset:offset + length].decode("utf-16-be", "replace").strip("\x00 ") or None
    if kind == b"text":
        return tag[8:].split(b"\x00")[0].decode("latin-1").strip() or None
    return None


def description(profile: bytes) -> str | None:
    return _text(_tag(profile, b"desc"))


def read(profile: bytes, where: str = "ICC profile") -> list[Finding]:
    """The colour space (what a clean keeps), then what else the profile holds (what a clean removes).

    The first finding's value is the same for a profile and its canonical form, so a kept profile reads as kept.
    """
    try:
        space = icc_profile.canonical(profile).space
    except icc_profile.InvalidProfile:
        space = f"damaged ({len(profile)} bytes)"
    found = [Finding("other", "icc_profile", "Colour profile", space, where)]
    private = icc_profile.private_parts(profile)
    if private:
        name = description(profile)
        if name and name != space and not name.startswith("Custom "):
            private.insert(0, f"named {shorten(name, 80)!r}")
        kind = "other"
        if _tag(profile, b"mmod"):  # Apple display profiles record the screen's maker, model (and serial)
            private.append("made for one display model")
            kind = "device"
        found.append(Finding(kind, "icc_details", "Colour profile details (who made it, when, for which device)",
                             "; ".join(private), where))
    return found
