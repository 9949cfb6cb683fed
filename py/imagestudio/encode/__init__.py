"""Encoding in one place: the writers (one named record per output format) and the quality search.

writers.py      pixels -> file bytes for one concrete Settings; WRITERS says what each output format can hold
jpeg_tables.py  the JPEG quantisation tables by name
search.py       picks the quality (fixed, auto by SSIM, or the highest that fits a size) and encodes
proxy.py        the small full-resolution mosaic on which a size target is searched for a large picture

page_codecs.py  the page's WebAssembly encoders, called through Pyodide's FFI (NeedsCodec until loaded)
mozjpeg.py      JPEG in the page (MozJPEG), metadata segments added by Python
avif.py         AVIF: the page's libavif, natively pillow-heif

Another codec plugs in as a WRITERS record (page_codec names its WebAssembly encoder) plus its branch in
writers.save; the size search only calls writers.save, so it searches a new lossy codec as it does JPEG and WebP
(tests/test_encode_search.py runs over every lossy WRITERS record).
"""

from .search import Outcome, compress, measure_ssim
from .writers import (WRITERS, Settings, Writer, check_decodes, decode_output, encoder, output_format, require_encoder,
                      save)

__all__ = ["WRITERS", "Outcome", "Settings", "Writer", "check_decodes", "compress", "decode_output", "encoder",
           "measure_ssim", "output_format", "require_encoder", "save"]
