"""Encoding in one place: the writers (one named record per output format) and the quality search.

writers.py      pixels -> file bytes for one concrete Settings; WRITERS says what each output format can hold
jpeg_tables.py  the JPEG quantisation tables by name
search.py       picks the quality (fixed, auto by SSIM, or the highest that fits a size) and encodes
proxy.py        the small full-resolution mosaic on which a size target is searched for a large picture

Another codec plugs in as a WRITERS record plus its branch in writers.save; the size search only calls
writers.save, so it searches a new lossy codec as it does JPEG and WebP (tests/test_encode_search.py runs over
every lossy WRITERS record).
"""

from .search import Outcome, compress, measure_ssim
from .writers import WRITERS, Settings, Writer, output_format, save

__all__ = ["WRITERS", "Outcome", "Settings", "Writer", "compress", "measure_ssim", "output_format", "save"]
