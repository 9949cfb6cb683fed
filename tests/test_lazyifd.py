"""readers/lazyifd.py must give exactly what Pillow's own EXIF reader gives (it replaces Pillow's slow
directory loading, not its value decoding): the same tags, the same values, on real and on damaged blocks."""

import random
import struct
import warnings

import pytest

from corpus import corpus_files
from imagestudio.readers import exif, lazyifd


def _same_as_pillow(raw: bytes, tiff_file: bool = False):
    assert lazyifd.handles(raw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = lazyifd.directories(raw, with_ifd1=not tiff_file)
        pillows = exif._pillow_directories(raw, tiff_file)
        # repr: IFDRational(0, 0) is NaN and never equal to itself
        assert [{tag: repr(v) for tag, v in dict(d).items()} for d in ours] == \
               [{tag: repr(v) for tag, v in dict(d).items()} for d in pillows]


def _corpus_blocks() -> list:
    blocks = []
    for path in corpus_files():
        data = path.read_bytes()
        if path.suffix.lower() in (".tif", ".tiff"):
            blocks.append((path.name, data, True))
        at = data.find(b"Exif\x00\x00")
        if at >= 0 and lazyifd.handles(data[at + 6:at + 14]):
            blocks.append((path.name, data[at + 6:at + 6 + 65536], False))
    return blocks


BLOCKS = _corpus_blocks()


@pytest.mark.skipif(not BLOCKS, reason="no corpus")
def test_corpus_exif_reads_as_pillow_reads_it():
    for _name, raw, tiff_file in BLOCKS:
        _same_as_pillow(raw, tiff_file)


@pytest.mark.skipif(not BLOCKS, reason="no corpus")
def test_damaged_exif_reads_as_pillow_reads_it():
    rng = random.Random(6)
    for _ in range(1500):
        _name, raw, tiff_file = rng.choice(BLOCKS)
        raw = bytearray(raw[:rng.choice([len(raw), rng.randrange(8, len(raw))])])
        for _flip in range(rng.randrange(1, 6)):  # most flips in the directories, near the start
            if len(raw) > 8:
                raw[rng.randrange(8, min(len(raw), rng.choice([64, 512, len(raw)])))] = rng.randrange(256)
        _same_as_pillow(bytes(raw), tiff_file)


def _tiff(entries, next_ifd=0, order="<", tail=b"") -> bytes:
    """A little-endian TIFF block with one IFD at offset 8: entries are (tag, type, count, 4 value bytes)."""
    head = (b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "L", 8)
    table = struct.pack(order + "H", len(entries))
    table += b"".join(struct.pack(order + "HHL", tag, kind, count) + value for tag, kind, count, value in entries)
    return head + table + struct.pack(order + "L", next_ifd) + tail


@pytest.mark.parametrize("raw", [
    _tiff([(0x0112, 3, 1, b"\x06\x00\x00\x00"), (0x010F, 2, 4, b"Can\x00")]),            # plain
    _tiff([(0x0112, 3, 1, b"\x06\x00\x00\x00")], order=">"),                               # big-endian
    _tiff([(0x010F, 2, 40, b"\xff\x00\x00\x00"), (0x0112, 3, 1, b"\x06\x00\x00\x00")]),    # value past the end
    _tiff([(0x010F, 99, 4, b"Can\x00"), (0x0112, 3, 0, b"\x00\x00\x00\x00")]),             # unknown type, empty
    _tiff([(0x8769, 2, 4, b"abc\x00")]),                                                   # pointer that is text
    _tiff([(0x8769, 9, 1, b"\xff\xff\xff\xff")]),                                          # negative pointer
    _tiff([(0x8769, 4, 1, b"\x00\x00\x01\x00")]),                                          # pointer past the end
    _tiff([(0x0112, 3, 2, b"\x06\x00\x03\x00")]),                                          # two values, one wanted
    _tiff([(0x0112, 3, 1, b"\x06\x00\x00\x00")], next_ifd=8),                              # IFD1 is IFD0
    _tiff([(0x0112, 3, 1, b"\x06\x00\x00\x00")] * 3)[:30],                                 # table cut short
    _tiff([(0x0112, 3, 1, b"\x06\x00\x00\x00")])[:-2],                                     # next offset cut short
    _tiff([(0x8825, 4, 1, b"\x1a\x00\x00\x00")],                                          # GPS IFD at 26 ...
          tail=struct.pack("<HHHLLL", 1, 2, 5, 3, 44, 0) + bytes(24)),                     # ... 0/0 degrees
    _tiff([(0x0128, 2, 3, b"cm\x00\x00"), (0x9000, 6, 3, b"\xff\x01\x80\x00"), (0x9001, 8, 2, b"\xff\xff\x02\x00"),
           (0x9002, 11, 1, struct.pack("<f", 1.5)), (0x9003, 9, 1, b"\xfe\xff\xff\xff"),
           (0x9004, 12, 1, struct.pack("<L", 110)), (0x9005, 10, 1, struct.pack("<L", 118)),
           (0x9006, 16, 1, struct.pack("<L", 126))],                                        # every type Pillow reads
          tail=struct.pack("<d", -2.25) + struct.pack("<ll", -3, 4) + struct.pack("<Q", 2**40)),
], ids=["plain", "big-endian", "value-past-end", "unknown-type-and-empty", "text-pointer", "negative-pointer",
        "pointer-past-end", "two-values", "ifd1-is-ifd0", "table-cut-short", "next-cut-short", "gps-zero-by-zero",
        "all-types"])
def test_odd_directories_read_as_pillow_reads_them(raw):
    _same_as_pillow(raw)
    _same_as_pillow(raw, tiff_file=True)
