"""Pixels in a matrix/TRC colour space converted to sRGB with Pillow's own operations (no LittleCMS in the browser).

RGB goes through a 3D lookup table (ImageFilter.Color3DLUT, trilinear, in C) whose grid is computed here: decode
the source tone curves, the source matrix to XYZ (D50), the sRGB matrix back, clip, the sRGB curve. Grey goes
through a 256-entry table. Profiles built on LUTs (A2B0 ...) are not converted: the caller keeps them instead.
"""

from functools import lru_cache
from typing import NamedTuple

from PIL import Image, ImageFilter

from . import icc_profile

GRID = 33  # grid points per axis; the test suite measures the error against LittleCMS


def _srgb_encode(y: float) -> float:
    y = min(max(y, 0.0), 1.0)
    return 12.92 * y if y <= 0.0031308 else 1.055 * y ** (1 / 2.4) - 0.055


_SRGB = next(s for s in icc_profile.WELL_KNOWN if s.name == "sRGB")


@lru_cache(maxsize=8)
def _rgb_table(profile: bytes) -> ImageFilter.Color3DLUT | None:
    shaper = icc_profile.matrix_shaper(icc_profile.parse(profile))
    if shaper is None:
        return None
    to_srgb = icc_profile.matmul(icc_profile.inverse(icc_profile.colorants(_SRGB)), shaper.to_xyz)
    steps = [i / (GRID - 1) for i in range(GRID)]
    linear = [[curve(v) for v in steps] for curve in shaper.curves]
    table: list[float] = []
    for b in linear[2]:  # Color3DLUT wants red varying fastest, then green, then blue
        for g in linear[1]:
            for r in linear[0]:
                table.extend(_srgb_encode(row[0] * r + row[1] * g + row[2] * b) for row in to_srgb)
    return ImageFilter.Color3DLUT(GRID, table)


@lru_cache(maxsize=8)
def _grey_table(profile: bytes) -> list | None:
    parsed = icc_profile.parse(profile)
    curve = icc_profile.tone_curve(parsed.tags.get(b"kTRC"))
    if parsed.space != b"GRAY" or curve is None or b"A2B0" in parsed.tags:
        return None
    return [round(_srgb_encode(curve(v / 255)) * 255) for v in range(256)]


def convertible(profile: bytes) -> bool:
    try:
        return icc_profile.canonical(profile).convertible
    except icc_profile.InvalidProfile:
        return False


def to_srgb(image: Image.Image, profile: bytes) -> Image.Image | None:
    """The picture's pixels in sRGB, alpha untouched; None when this profile cannot be converted here."""
    if not convertible(profile):
        return None
    if icc_profile.canonical(profile).space == "sRGB":
        return image
    if image.mode in ("L", "LA"):
        table = _grey_table(profile)
        if table is None:
            return None
        grey = image.getchannel("L").point(table)
        if image.mode == "LA":
            return Image.merge("LA", (grey, image.getchannel("A")))
        return grey
    if image.mode not in ("RGB", "RGBA"):
        return None
    lut = _rgb_table(profile)
    if lut is None:
        return None
    converted = image.convert("RGB").filter(lut)
    if image.mode == "RGBA":
        converted.putalpha(image.getchannel("A"))
    return converted


PROFILE_OUTPUTS = {"jpeg", "png", "webp"}  # Pillow's GIF writer carries no colour profile


class Plan(NamedTuple):
    """What a re-encode does with the input's colour profile."""
    profile: bytes | None       # the canonical profile to write
    convert_from: bytes | None  # convert the pixels from this profile to sRGB
    kept_unasked: bool          # a LUT profile kept although the policy drops profiles: it cannot be converted
    notes: list


def plan(icc: bytes | None, keep: bool, out_format: str) -> Plan:
    if not icc:
        return Plan(None, None, False, [])
    try:
        form = icc_profile.canonical(icc)
    except icc_profile.InvalidProfile as err:
        return Plan(None, None, False, [f"the colour profile was dropped: {err}"])
    holds = out_format in PROFILE_OUTPUTS
    if keep and holds:
        return Plan(form.data, None, False, [])
    why = "the colour profile is not kept" if holds else f"{out_format.upper()} cannot carry a colour profile"
    if form.space == "sRGB":
        return Plan(None, None, False, [])
    if form.convertible:
        return Plan(None, icc, False, [f"the pixels were converted from {form.space} to sRGB: {why}"])
    if holds:
        return Plan(form.data, None, not keep, [f"the colour profile ({form.space}, built on lookup tables) cannot be "
                                                "converted here, so its anonymous canonical form was kept"])
    return Plan(None, None, False, [f"the colour profile ({form.space}, built on lookup tables) cannot be "
                                    f"converted here and {why}: colours may look different"])


def convert_frames(frames: list, profile: bytes) -> tuple[list, bool]:
    """Frames converted to sRGB (YCbCr and palette pictures through RGB); (frames, False) when not possible."""
    out = []
    for frame in frames:
        if frame.mode in ("YCbCr", "P", "CMYK"):
            frame = frame.convert("RGBA" if frame.mode == "P" and "transparency" in frame.info else "RGB")
        converted = to_srgb(frame, profile)
        if converted is None:
            return frames, False
        out.append(converted)
    return out, True


def lossless_notes(findings: list, keep: bool) -> list[str]:
    """What a lossless clean (which cannot touch the pixels) says about the colour profiles it found."""
    notes = []
    for f in findings:
        if f.key == "icc_details" and f.value.startswith("not a valid colour profile") and keep:
            notes.append(f"the colour profile ({f.where}) was dropped: it is {f.value}")
        if f.key == "icc_profile" and not keep and f.value != "sRGB" and not f.value.startswith("damaged"):
            notes.append(f"the colour profile ({f.value}) was removed as asked; the pixels were not converted (a "
                         "lossless clean leaves them as they are), so colours may look different: keep the profile, "
                         "or re-encode to have them converted to sRGB")
    return notes
