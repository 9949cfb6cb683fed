"""Follow a GIF frame's LZW codes without making pixels: where the data really ends (the sub-block that holds
the end-of-information code; sub-blocks after it are never decoded, so they can hold anything) and which colour
indices the frame draws (colour-table entries no pixel uses can hold anything too).

Only code widths and string lengths are tracked; about 1 s per 1.4 MB of LZW data natively, so a file's walk
stops after MAX_WALK bytes and the rest of it is not checked (the report says so).
"""

from typing import NamedTuple

MAX_WALK = 4 << 20
TABLE = 4096


class Scan(NamedTuple):
    end: int | None      # offset just past the sub-block with the end code; None: no end code (nothing is cut)
    used: frozenset      # colour indices among the first `pixels` pixels the codes draw


def scan(data: bytes, pos: int, pixels: int) -> Scan:
    """The image data starting at `pos` (the LZW minimum code size byte) of a frame of `pixels` pixels.

    Every string in the code table is made of indices drawn before, so the indices a frame uses are exactly
    the single-index codes it sends while it still has pixels to fill."""
    if pos >= len(data) or not 1 <= data[pos] <= 11:
        return Scan(None, frozenset())
    min_size = max(data[pos], 2)
    clear, end = 1 << min_size, (1 << min_size) + 1
    lengths = [1] * clear + [0] * (TABLE - clear)
    size, next_code, prev = min_size + 1, end + 1, -1
    drawn, valid = 0, True
    used: set[int] = set()
    bits = nbits = 0
    pos += 1
    while pos < len(data) and data[pos]:
        block_end = pos + 1 + data[pos]
        for byte in data[pos + 1:block_end]:
            bits |= byte << nbits
            nbits += 8
            while nbits >= size:
                code = bits & ((1 << size) - 1)
                bits >>= size
                nbits -= size
                if code == clear:
                    size, next_code, prev = min_size + 1, end + 1, -1
                    continue
                if code == end:
                    return Scan(block_end, frozenset(used))
                if prev < 0 or code > next_code:
                    length = 1 if code < clear else 0
                    valid = valid and code < clear  # a decoder stops drawing at a code it has no string for
                elif code == next_code:
                    length = lengths[prev] + 1
                else:
                    length = lengths[code]
                if valid and code < clear and drawn < pixels:
                    used.add(code)
                drawn += length
                if prev >= 0 and next_code < TABLE:
                    lengths[next_code] = lengths[prev] + 1
                    next_code += 1
                    if next_code == 1 << size and size < 12:
                        size += 1
                prev = code
        pos = block_end
    return Scan(None, frozenset(used))
