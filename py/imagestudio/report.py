"""What a file reveals: a flat list of findings, most sensitive first.

A Finding is plain data so the page, the tests and the command line share it.
"""

from dataclasses import asdict, dataclass

# Kinds in the order a person should read them: most sensitive first.
KINDS = ("location", "device", "time", "people", "hidden", "text", "other")


@dataclass(frozen=True)
class Finding:
    kind: str      # one of KINDS
    key: str       # stable id, e.g. "gps", "make", "thumbnail", "icc_profile", "orientation"
    label: str     # plain words for people
    value: str     # human-readable value (may be shortened)
    where: str     # container location, e.g. "EXIF GPS IFD", "XMP", "PNG tEXt chunk"

    def to_dict(self) -> dict:
        return asdict(self)


def sort_findings(findings):
    return sorted(findings, key=lambda f: KINDS.index(f.kind) if f.kind in KINDS else len(KINDS))


def summarize(findings) -> dict:
    """The headline facts the page shows on a file's row."""
    keys = {f.key for f in findings}
    first = {}
    for f in findings:
        first.setdefault(f.key, f.value)
    return {
        "location": "gps" in keys,
        "gps": first.get("gps"),
        "camera": " ".join(v for v in (first.get("make"), first.get("model")) if v) or None,
        "captured": first.get("datetime_original") or first.get("datetime"),
        "count": len(findings),
    }
