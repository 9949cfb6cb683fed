"""File names: what a name gives away, and the names the user chooses for the results.

Phones and cameras name files after the moment and the device (PXL_20240512_142233.jpg,
"Screenshot 2024-05-01 at 14.22.33.png"); people name them after people and places. The report says so, and the
recipe's `output.naming` decides what the results are called.
"""

import os
import re
import secrets

NAMINGS = ("suffix", "sequence", "random", "pattern")  # suffix: today's NAME-clean.jpg, NAME-2048px.webp
DEFAULT_PATTERN = "photo-{n}"
PATTERN_FIELDS = re.compile(r"\{(n|name|what)\}")

# (pattern on the name without extension, what it reveals); the matched text is shown.
LEAKS = (
    (re.compile(r"(?:19|20)\d\d[-_.]?[01]\d[-_.]?[0-3]\d"                    # a date: 20240512, 2024-05-12
                r"(?:[ _T-]*(?:at )?[0-2]\d[._:-]?[0-5]\d(?:[._:-]?[0-5]\d)?)?"), "the date (and time) it was made"),
    (re.compile(r"^(PXL)_", re.I), "the phone (a Google Pixel)"),
    (re.compile(r"^(DJI|GOPR|GH0\d|DSC[NF]?|SAM|HUAWEI|MVIMG|IMG|VID)[_-]?\d", re.I),
     "the kind of camera or phone"),
    (re.compile(r"(Screenshot|Screen Shot|Bildschirmfoto|Capture d.écran)", re.I), "that it is a screenshot"),
    (re.compile(r"(WhatsApp|Signal|Telegram|Messenger)", re.I), "the messaging app it came through"),
    (re.compile(r"(-?\d{1,2}\.\d{3,}[,_ ;]+-?\d{1,3}\.\d{3,})"), "a place (map coordinates)"),
)
# Words that say nothing about a person or a place.
PLAIN_WORDS = {"img", "pxl", "dsc", "dscn", "dscf", "vid", "mvimg", "photo", "image", "picture", "pic", "screenshot",
               "screen", "shot", "at", "copy", "edited", "edit", "final", "scan", "clean", "whatsapp", "signal",
               "telegram", "messenger", "portrait", "burst", "cover", "gopr", "dji", "sam", "huawei", "pano", "the",
               "and", "with"}


def leaks(name: str) -> list[str]:
    """Plain phrases for what a file name reveals (empty when it looks anonymous)."""
    certain, maybe = sorted_leaks(name)
    return certain + maybe


def sorted_leaks(name: str) -> tuple[list[str], list[str]]:
    """What the name reveals for sure (a date, a device, a place's coordinates...), and plain words that may."""
    stem = os.path.splitext(os.path.basename(name or ""))[0]
    certain = []
    for pattern, what in LEAKS:
        match = pattern.search(stem)
        if match:
            certain.append(f"{what} ({match.group(0).strip('_- ')})")
    words = [w for w in re.findall(r"[^\W\d_]{3,}", stem) if w.lower() not in PLAIN_WORDS]
    maybe = [f"words that may name a person or a place ({' '.join(words[:4])})"] if words else []
    return certain, maybe


def check_pattern(pattern: str) -> str | None:
    """Why a naming pattern cannot be used (None when it can)."""
    if not isinstance(pattern, str) or not pattern.strip():
        return "must be some text, such as photo-{n}"
    if "{n}" not in pattern and "{name}" not in pattern:
        return "must hold {n} (the file's number) or {name} (its original name), or every result gets one name"
    if re.sub(PATTERN_FIELDS, "", pattern).count("{") or "/" in pattern or "\\" in pattern:
        return "may only hold {n}, {name} and {what}, and no folders"
    return None


def output_name(original: str, suffix: str, extension: str, naming: str = "suffix", index: int = 1,
                pattern: str = DEFAULT_PATTERN) -> str:
    """The result's file name. index counts from 1 across a batch; {what} is the suffix (clean, 2048px ...)."""
    stem = os.path.splitext(os.path.basename(original or "image"))[0] or "image"
    if naming == "sequence":
        return f"photo-{index:03d}.{extension}"
    if naming == "random":
        return f"{secrets.token_hex(6)}.{extension}"
    if naming == "pattern":
        values = {"n": f"{index:03d}", "name": stem, "what": suffix}
        return PATTERN_FIELDS.sub(lambda m: values[m.group(1)], pattern) + f".{extension}"
    return f"{stem}-{suffix}.{extension}"
