"""ICC colour profile -> its description, read by hand (the browser build has no LittleCMS)."""

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
    name = description(profile)
    facts = [f"{len(profile)} bytes"]
    if _tag(profile, b"mmod"):  # Apple display profiles record the screen's maker, model (and serial)
        facts.append("made for one display model")
    value = f"{shorten(name, 80)} ({', '.join(facts)})" if name else ", ".join(facts)
    return [Finding("other", "icc_profile", "Colour profile", value, where)]
