"""The quality search: pick the quality (fixed, auto by SSIM, or the highest that fits a size) and encode.

Auto quality: binary search for the lowest quality whose SSIM against the pixels given to the encoder
stays at or above the level (recipe.AUTO_QUALITY). Target size: binary search for the highest quality
whose file fits; if even TARGET_QUALITY_FLOOR is too big, the picture is shrunk (never below MIN_SIDE)
and searched again; when nothing fits the file fails with TargetNotMet and says what the smallest was.
"""

import io
import math
from dataclasses import dataclass, field, replace

from PIL import Image

from ..errors import BadOptions, TargetNotMet
from ..quality import Reference
from ..recipe import AUTO_QUALITY, Encode
from . import writers
from .jpeg_tables import JPEG_CHOSEN_QUALITY_TABLES

AUTO_QUALITIES = tuple(range(30, 96, 5))  # auto quality picks one of these (4 trials by bisection)
TARGET_MAX_QUALITY = 90          # target size: no higher unless the recipe sets a higher quality
TARGET_QUALITY_FLOOR = 40        # below this it looks worse to compress harder than to shrink
MIN_SIDE = 64                    # target size never shrinks the longer side below this
SHRINK_STEPS = 8
SHRINK_SAFETY = 0.95             # aim a little under the estimate so one shrink usually suffices


@dataclass
class Outcome:
    data: bytes
    settings: writers.Settings
    frames: list                  # the frames encoded (smaller than given when the target forced a shrink)
    ssim: float | None = None
    tries: int = 0
    notes: list = field(default_factory=list)


def _label(name):
    return name or "this file"


def compress(frames: list, enc: Encode, fmt: str, icc=None, durations=None, loop=None, name: str = "",
             copyright: str | None = None, taken: bytes | None = None) -> Outcome:
    settings = writers.Settings.from_recipe(enc, fmt)
    if enc.auto_quality != "off" or enc.target_kb is not None:
        settings = replace(settings, tables=JPEG_CHOSEN_QUALITY_TABLES)  # the tool picks the quality
    animated = len(frames) > 1
    notes = []
    if animated and enc.target_kb is not None:
        raise BadOptions(f"{_label(name)}: a target size does not apply to animations "
                         "(the frames cannot be traded against quality); remove encode.target_kb")
    level = AUTO_QUALITY[enc.auto_quality]
    if level is not None and (animated or not settings.lossy):
        why = "animations" if animated else f"lossless {fmt.upper()} output"
        notes.append(f"auto quality does not apply to {why}"
                     + (f"; used quality {settings.quality}" if settings.lossy else ""))
        level = None

    def save(pictures, s):
        return writers.save(pictures, s, icc, durations, loop, copyright, taken)

    ssim, tries = None, 0
    if level is not None:
        settings, data, ssim, tries = _auto_quality(frames[0], settings, level, save)
        if ssim < level:
            notes.append(f"SSIM {level} was not reached even at quality {settings.quality} (got {ssim:.4f})")
    if enc.target_kb is None:
        data = save(frames, settings) if level is None else data
        return Outcome(data, settings, frames, ssim, max(tries, 1), notes)

    ceiling = settings.quality if (level is not None or enc.quality) else TARGET_MAX_QUALITY
    outcome = _fit_target(frames, settings, ceiling, int(enc.target_kb * 1024), save, name)
    outcome.notes = notes + outcome.notes
    outcome.tries += tries
    if outcome.frames is frames and ssim is not None and outcome.settings.quality == settings.quality:
        outcome.ssim = ssim
    return outcome


def _decoded(data: bytes) -> Image.Image:
    """An encoded candidate decoded for SSIM, which looks at luma only (quality.luma): a colour JPEG
    decodes its Y channel alone (draft "L": libjpeg skips the chroma IDCT, upsampling and the colour
    conversion), the exact Y the encoder was given instead of Y -> RGB -> luma. Nothing is copied: the
    file is in memory, so the loaded picture needs no open file behind it."""
    image = Image.open(io.BytesIO(data))
    if image.format == "JPEG" and image.mode == "RGB":
        image.draft("L", None)
    image.load()
    return image if image.mode != "P" else image.convert("RGB")


def measure_ssim(frame, settings, data: bytes) -> float:
    """SSIM of an encoded single picture against the pixels it was encoded from."""
    return Reference(writers.prepare(frame, settings)).ssim(_decoded(data))


def _auto_quality(frame, settings, level, save):
    """Lowest of AUTO_QUALITIES with SSIM >= level (or the top of the range when none reaches it)."""
    reference = Reference(writers.prepare(frame, settings))
    results = {}

    def trial(q):
        if q not in results:
            s = replace(settings, quality=q)
            data = save([frame], s)
            results[q] = (s, data, reference.ssim(_decoded(data)))
        return results[q]

    low, high = 0, len(AUTO_QUALITIES) - 1
    while low < high:
        mid = (low + high) // 2
        if trial(AUTO_QUALITIES[mid])[2] >= level:
            high = mid
        else:
            low = mid + 1
    # Re-encoding near the source's own quality can make SSIM non-monotonic: step up until it holds.
    while trial(AUTO_QUALITIES[low])[2] < level and low < len(AUTO_QUALITIES) - 1:
        low += 1
    s, data, score = trial(AUTO_QUALITIES[low])
    return s, data, score, len(results)


def _fit_target(frames, settings, ceiling, limit, save, name) -> Outcome:
    notes, tries = [], 0
    current = frames
    for _step in range(SHRINK_STEPS + 1):
        if settings.lossy:
            best, smallest, n = _highest_quality_under(current, settings, ceiling, limit, save)
            tries += n
        else:
            data = save(current, settings)
            tries += 1
            best = (settings, data) if len(data) <= limit else None
            smallest = (settings, data)
        if best is not None:
            if current is not frames:
                notes.append(f"shrunk to {current[0].width}x{current[0].height} to fit {limit // 1024} KB")
            return Outcome(best[1], best[0], current, None, tries, notes)
        size = len(smallest[1])
        longest = max(current[0].size)
        if longest <= MIN_SIDE:
            break
        scale = max(math.sqrt(limit / size) * SHRINK_SAFETY, MIN_SIDE / longest)
        scale = min(scale, 0.9)
        new_size = (max(1, round(current[0].width * scale)), max(1, round(current[0].height * scale)))
        current = [f.resize(new_size, Image.Resampling.LANCZOS, reducing_gap=3.0) for f in current]
    quality = f" at quality {smallest[0].quality}" if settings.lossy else ""
    raise TargetNotMet(f"{_label(name)}: cannot fit {limit // 1024} KB; the smallest file was "
                       f"{len(smallest[1]) / 1024:.1f} KB at {current[0].width}x{current[0].height}{quality}")


def _highest_quality_under(frames, settings, ceiling, limit, save):
    """(best (settings, data) or None, smallest (settings, data), tries) for qualities FLOOR..ceiling."""
    results = {}

    def trial(q):
        if q not in results:
            s = replace(settings, quality=q)
            results[q] = (s, save(frames, s))
        return results[q]

    low, high = min(TARGET_QUALITY_FLOOR, ceiling), ceiling
    if len(trial(high)[1]) <= limit:
        return trial(high), trial(high), len(results)
    if len(trial(low)[1]) > limit:
        return None, trial(low), len(results)
    step = 0
    while low < high - 1:            # invariant: low fits, high does not
        if step % 2 == 0:
            # File size grows about exponentially with quality: interpolate log(size) to guess the
            # answer (usually within 1-2), alternating with bisection so the worst case stays log2.
            a, b = math.log(len(trial(low)[1])), math.log(len(trial(high)[1]))
            guess = low + (math.log(limit) - a) * (high - low) / (b - a) if b > a else (low + high) / 2
            mid = min(high - 1, max(low + 1, round(guess)))
        else:
            mid = (low + high) // 2
        step += 1
        if len(trial(mid)[1]) <= limit:
            low = mid
        else:
            high = mid
    return trial(low), trial(low), len(results)
