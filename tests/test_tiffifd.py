"""readers/tiffifd.py: entry() (one tag, for the clean's Orientation and Copyright) must agree with entries()."""

import random

import pytest

from corpus import corpus_files
from imagestudio.readers import tiffifd

BLOCKS = [data[at + 6:at + 6 + 65536] for data in (p.read_bytes() for p in corpus_files(".jpg", ".jpeg"))
          if (at := data.find(b"Exif\x00\x00")) >= 0]


@pytest.mark.skipif(not BLOCKS, reason="no corpus")
def test_one_entry_reads_as_the_whole_table_does():
    rng = random.Random(6)
    for _ in range(3000):
        raw = bytearray(rng.choice(BLOCKS)[:rng.randrange(2, 65536)])
        for _flip in range(rng.randrange(0, 5)):  # damage the table: counts, types, offsets, duplicate tags
            raw[rng.randrange(0, min(len(raw), 300))] = rng.randrange(256)
        order = rng.choice(["little", "big"])
        at = rng.choice([8, rng.randrange(-2, len(raw) + 3)])
        table = tiffifd.entries(bytes(raw), at, order)
        for tag in (0x0112, 0x8298, *list(table)[:3]):
            assert tiffifd.entry(bytes(raw), at, order, tag) == table.get(tag)
