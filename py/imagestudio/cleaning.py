"""Inspect and clean one file: what it reveals, and the metadata clean verified by re-inspection (fail closed).

api.py serves these as the "inspect" and "clean" operations; process.py cleans recipes that leave the pixels
alone and passes every re-encoded file through verify_clean.
"""

from typing import Any

from . import colour, names, progress, thumbnails
from .containers import CONTAINERS, Container
from .errors import BadOptions, StillDirty
from .policy import CleanPolicy
from .report import Finding, sort_findings, summarize
from .sniff import Format, recognise, unsupported


def container_for(fmt: Format, name: str = "") -> Container:
    container = CONTAINERS.get(fmt.name)
    if container is None:
        raise unsupported(fmt, name)
    return container


def _report(fmt: Format, findings: list[Finding], **extra: object) -> dict[str, Any]:
    findings = sort_findings(findings)
    return {"format": fmt.name, "findings": [f.to_dict() for f in findings],
            "summary": summarize(findings), **extra}


def inspect_report(data: bytes, name: str, fmt: Format) -> dict[str, Any]:
    """What the file reveals (findings most sensitive first, summary); an inspect-only format says why."""
    container = container_for(fmt, name)
    findings = container.inspect(data, name)
    if not container.CLEANABLE:
        return _report(fmt, findings, cleanable=False, notes=container.notes(data, name))
    return _report(fmt, findings, cleanable=True)


def inspect(data: bytes, name: str = "", options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Operation "inspect": the report; with options {"thumbnail": true} also data = a small JPEG to show
    (thumbnails.py) and report.upright = the picture's full size, upright. Otherwise no bytes."""
    options = options or {}
    if set(options) - {"thumbnail"} or not isinstance(options.get("thumbnail", False), bool):
        raise BadOptions(f"{name or 'this file'}: inspect takes only the option thumbnail (true or false)")
    progress.stage("reading")
    fmt = recognise(data, name)
    report = inspect_report(data, name, fmt)
    made = thumbnails.thumbnail(data, name, fmt) if options.get("thumbnail") and fmt.supported else None
    if made:
        report["upright"] = list(made[1])
    return {"ok": True, "data": made[0] if made else None, "mime": "image/jpeg" if made else fmt.mime, "name": name,
            "report": report}


def verify_clean(output: bytes, policy: CleanPolicy, name: str = "") -> list[Finding]:
    """Re-inspect bytes about to be returned; raise StillDirty if anything the policy removes is there.

    Every path that returns image bytes (lossless clean, re-encode) must pass through this.
    Returns the findings that the policy allows to stay.
    """
    after = container_for(recognise(output, name), name).inspect(output, name)
    leftover = [f for f in after if not policy.allows(f)]
    if leftover:
        what = ", ".join(sorted({f.label for f in leftover}))
        raise StillDirty(f"{name or 'this file'}: refused to return a file that still holds: {what}")
    return after


def clean_op(data: bytes, name: str = "", options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Operation "clean": options = {"policy": {...}} (policy.py)."""
    return clean(data, name, CleanPolicy.from_dict((options or {}).get("policy")))


def clean(data: bytes, name: str, policy: CleanPolicy, fmt: Format | None = None) -> dict[str, Any]:
    """Metadata removal (lossless where the container allows), verified by re-inspecting the output."""
    fmt = fmt or recognise(data, name)
    container = container_for(fmt, name)
    if not container.CLEANABLE:
        raise unsupported(fmt, name)
    progress.stage("cleaning")
    before = container.inspect(data, name)
    cleaned = container.clean(data, policy, name)
    notes = container.notes(data, name)  # before verify: shares the parse
    notes += colour.lossless_notes(before, policy.keep_icc)
    progress.stage("checking")
    after = verify_clean(cleaned, policy, name)
    # Honest about what left: an allowed item counts as kept only if the output really still shows it.
    still_there = {(f.key, f.value) for f in after}
    removed = [f for f in before if not (policy.allows(f) and (f.key, f.value) in still_there)]
    # Lossless containers copy the compressed picture untouched; the others re-encode it (and say so).
    return {"ok": True, "data": cleaned, "mime": fmt.mime,
            "name": names.output_name(name, "clean", fmt.extension),
            # The hidden pictures' previews are in findings already: once is enough (~1/3 of a report's JSON).
            "report": _report(fmt, before, removed=[f.to_dict(preview=False) for f in sort_findings(removed)],
                              kept=[f.to_dict() for f in sort_findings(after)],
                              lossless=container.LOSSLESS, reencoded=not container.LOSSLESS, notes=notes,
                              policy=policy.to_dict(), bytes_in=len(data), bytes_out=len(cleaned))}
