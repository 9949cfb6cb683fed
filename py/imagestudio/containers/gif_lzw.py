"""Where a GIF frame's LZW data really ends: the sub-block that holds the end-of-information code. Sub-blocks after
it are never decoded, so they can hold anything.

Only the code widths are followed (no pixels are made); about 1 s per 1.4 MB of LZW data natively, so a file's
walk stops after MAX_WALK bytes and the rest of it is not checked (the report says so).
"""

MAX_WALK = 4 << 20


def data_end(data: bytes, pos: int) -> int | None:
    """For image data starting at `pos` (the LZW minimum code size byte): the offset just past the sub-block that
    holds the end code, or None when the data has no end code (then nothing is cut)."""
    if pos >= len(data) or not 1 <= data[pos] <= 11:
        return None
    min_size = max(data[pos], 2)
    clear, end = 1 << min_size, (1 << min_size) + 1
    size, next_code, first = min_size + 1, end + 1, True
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
                    size, next_code, first = min_size + 1, end + 1, True
                elif code == end:
                    return block_end
                else:
                    if not first and next_code < 4096:
                        next_code += 1
                        if next_code == 1 << size and size < 12:
                            size += 1
                    first = False
        pos = block_end
    return None
