"""The quality search: pick the quality (fixed, auto by SSIM, or the highest that fits a size) and encode.

Auto quality: binary search for the lowest quality whose SSIM against the pixels given to the encoder
stays at or above the level (recipe.AUTO_QUALITY). Target size: the highest quality whose file fits. A
small picture is searched at full size; a large one on a proxy (proxy.py) whose sizes, scaled, predict the
full size, then encoded at full size at most twice in the common case (_predicted_quality_under). If even
TARGET_QUALITY_FLOOR is too big, the picture is shrunk (never below MIN_SIDE) and searched again; when
nothing fits the file fails with TargetNotMet and says what the smallest was. Every trial is a call of the
writer (writers.save), so any codec in writers.WRITERS is searched the same way.
"""

import io
import math
from dataclasses import dataclass, field, replace

from PIL import Image

from .. import progress
from ..errors import BadOptions, TargetNotMet
from ..quality import Reference
from ..recipe import AUTO_QUALITY, Encode
from . import avif, proxy, writers
from .jpeg_tables import JPEG_CHOSEN_QUALITY_TABLES

AUTO_QUALITIES = tuple(range(30, 96, 5))  # auto quality picks one of these (4 trials by bisection)
AUTO_TRIALS = math.ceil(math.log2(len(AUTO_QUALITIES)))  # encodes auto quality's bisection expects
TARGET_MAX_QUALITY = 90          # target size: no higher unless the recipe sets a higher quality
TARGET_QUALITY_FLOOR = 40        # below this it looks worse to compress harder than to shrink
MIN_SIDE = 64                    # target size never shrinks the longer side below this
SHRINK_STEPS = 8
SHRINK_SAFETY = 0.95             # aim a little under the estimate so one shrink usually suffices
# Target size on a large picture: search on a proxy (proxy.py), then encode at full size.
PROXY_MIN_PIXELS = 2 * proxy.PROXY_PIXELS  # smaller pictures are searched at full size (cheap, and exact)
PROXY_RATIO = 0.9                # first guess of full bytes / (proxy bytes x pixel ratio): measured 0.80-1.01
FIRST_AIM = 0.95                 # the first full encode aims this far under the target (the guess is +-12%)
AIM = 0.985                      # later ones, with the ratio calibrated by a full encode (within ~3%)
STEP_DOWN = 0.03                 # each further miss aims this much lower again
CLOSE_ENOUGH = 0.97              # a first file this close under the target is kept without a second encode
OUT_OF_REACH = 1.12              # shrink at once when the floor is predicted this far over the target
MAX_FULL_ENCODES = 6             # the bound when predictions miss; the last one tries the lowest quality left


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
    if fmt == "avif":  # chosen once: proxies and shrunk trials encode at the full picture's speed
        settings = replace(settings, speed=avif.speed_for(frames[0].size))
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

    progress.expect_trials(AUTO_TRIALS if level is not None else 1)

    def save(pictures, s):
        progress.trial()
        return writers.save(pictures, s, icc, durations, loop, copyright, taken, _label(name))

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
    file is in memory, so the loaded picture needs no open file behind it. An AVIF goes to its own decoder."""
    if data[4:12] == b"ftypavif":
        return writers.decode_output(data)
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
        if settings.lossy and proxy.pixels(current[0]) >= PROXY_MIN_PIXELS and min(current[0].size) >= proxy.TILE:
            fit = _predicted_quality_under(current[0], settings, ceiling, limit, save)
        elif settings.lossy:
            fit = _highest_quality_under(current, settings, ceiling, limit, save)
        else:
            data = save(current, settings)
            fit = _Fit((settings, data) if len(data) <= limit else None, settings, len(data), 1)
        tries += fit.tries
        if fit.best is not None:
            if current is not frames:
                notes.append(f"shrunk to {current[0].width}x{current[0].height} to fit {limit // 1024} KB")
            return Outcome(fit.best[1], fit.best[0], current, None, tries, notes)
        longest = max(current[0].size)
        if longest <= MIN_SIDE:
            break
        scale = max(math.sqrt(limit / fit.smallest) * SHRINK_SAFETY, MIN_SIDE / longest)
        scale = min(scale, 0.9)
        new_size = (max(1, round(current[0].width * scale)), max(1, round(current[0].height * scale)))
        current = [f.resize(new_size, Image.Resampling.LANCZOS, reducing_gap=3.0) for f in frames]
    quality = f" at quality {fit.smallest_settings.quality}" if settings.lossy else ""
    raise TargetNotMet(f"{_label(name)}: cannot fit {limit // 1024} KB; the smallest file was "
                       f"{fit.smallest / 1024:.1f} KB at {current[0].width}x{current[0].height}{quality}")


@dataclass
class _Fit:
    """One size search: the highest quality that fits (settings, data) or None, and the smallest size seen."""
    best: tuple | None
    smallest_settings: writers.Settings
    smallest: int                 # bytes (an estimate when the proxy showed the floor far out of reach)
    tries: int


def _highest_fitting(low: int, high: int, size, goal: float) -> int | None:
    """The highest q in low..high with size(q) <= goal (sizes grow with q), or None when low is too big."""
    if size(high) <= goal:
        return high
    if size(low) > goal:
        return None
    step = 0
    while low < high - 1:            # invariant: low fits, high does not
        if step % 2 == 0:
            # File size grows about exponentially with quality: interpolate log(size) to guess the
            # answer (usually within 1-2), alternating with bisection so the worst case stays log2.
            a, b = math.log(max(size(low), 1)), math.log(max(size(high), 1))
            guess = low + (math.log(goal) - a) * (high - low) / (b - a) if b > a else (low + high) / 2
            mid = min(high - 1, max(low + 1, round(guess)))
        else:
            mid = (low + high) // 2
        step += 1
        if size(mid) <= goal:
            low = mid
        else:
            high = mid
    return low


def _highest_quality_under(frames, settings, ceiling, limit, save) -> _Fit:
    """Every trial at full size (small pictures, where that is cheap): exactly the highest quality that fits."""
    results = {}

    def trial(q):
        if q not in results:
            s = replace(settings, quality=q)
            results[q] = (s, save(frames, s))
        return results[q]

    floor = min(TARGET_QUALITY_FLOOR, ceiling)
    q = _highest_fitting(floor, ceiling, lambda q: len(trial(q)[1]), limit)
    smallest = trial(floor if q is None else q)
    return _Fit(None if q is None else smallest, smallest[0], len(smallest[1]), len(results))


def _predicted_quality_under(frame, settings, ceiling, limit, save) -> _Fit:
    """The quality searched on a proxy (proxy.py), then at most two full-size encodes in the common case.

    full bytes ~= fixed + ratio x (proxy bytes - fixed), where fixed is what a tiny picture costs with the same
    settings (headers, tables, ICC, EXIF). The first full encode aims under the target with a measured guess of
    the ratio and then calibrates it; the second aims at the target with the calibrated ratio. When both miss,
    later encodes aim lower, each narrowing the range of qualities left, and the last one tries the lowest.
    A file over the target is never returned.
    """
    sample = proxy.mosaic(frame)
    fixed = len(save([frame.crop((0, 0, proxy.ALIGN, proxy.ALIGN))], settings))
    proxy_bytes: dict[int, int] = {}

    def proxy_size(q: int) -> int:
        if q not in proxy_bytes:
            proxy_bytes[q] = len(save([sample], replace(settings, quality=q)))
        return proxy_bytes[q]

    ratio = PROXY_RATIO * proxy.pixels(frame) / proxy.pixels(sample)

    def predicted(q: int) -> float:
        return fixed + ratio * max(proxy_size(q) - fixed, 1)

    floor = min(TARGET_QUALITY_FLOOR, ceiling)
    fits, over, smallest = None, None, None
    full = 0
    while full < MAX_FULL_ENCODES:
        low = fits[0].quality + 1 if fits else floor
        high = over - 1 if over is not None else ceiling
        if low > high:
            break
        aim = FIRST_AIM if full == 0 else AIM - STEP_DOWN * max(0, full - 1)
        q = _highest_fitting(floor, ceiling, predicted, limit * aim)
        if q is None and full == 0 and predicted(floor) > limit * OUT_OF_REACH:
            # Far out of reach even at the floor: shrink on the estimate, without a full encode.
            return _Fit(None, replace(settings, quality=floor), round(predicted(floor)), len(proxy_bytes) + 1)
        if fits is not None and (q is None or q < low):
            break                    # the calibrated prediction says nothing higher fits: keep the file
        q = low if q is None or (fits is None and full == MAX_FULL_ENCODES - 1) else min(high, max(low, q))
        s = replace(settings, quality=q)
        data = save([frame], s)
        full += 1
        ratio = max(len(data) - fixed, 1) / max(proxy_size(q) - fixed, 1)
        if smallest is None or len(data) < len(smallest[1]):
            smallest = (s, data)
        if len(data) <= limit:
            fits = (s, data)
            if len(data) >= limit * CLOSE_ENOUGH or q == high:
                break
        else:
            over = q
        if fits is not None and full >= 2:
            break                    # the common case ends here: the better of two files that fits
    kept = fits or smallest
    assert kept is not None          # the loop encodes at least once: floor <= ceiling
    return _Fit(fits, kept[0], len(kept[1]), full + len(proxy_bytes) + 1)
