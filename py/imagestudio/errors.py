"""Typed engine errors: a stable machine code plus a one-line human message."""

import re
from typing import Any

# Pillow's messages, said in plain words about the file (never "<_io.BytesIO object at 0x7f...>").
_PLAIN = (
    (re.compile(r"cannot identify image file"), "the file is damaged, or is not the kind of picture its first bytes "
                                                "claim"),
    (re.compile(r"could not create decoder object"), "the picture data is damaged"),
    (re.compile(r"image file is truncated|Truncated File Read|premature end", re.I), "the file is cut short"),
    (re.compile(r"broken data stream|decoder error|corrupt", re.I), "the picture data is damaged"),
    (re.compile(r"unrecognized data stream contents"), "the picture data is damaged"),
)
_OBJECT_REPR = re.compile(r"\s*'?<[^<>]* object at 0x[0-9a-fA-F]+>'?")


def plain(err: BaseException) -> str:
    """A library's error as words a person can read: known messages translated, object reprs dropped."""
    text = str(err)
    for pattern, words in _PLAIN:
        if pattern.search(text):
            return words
    return _OBJECT_REPR.sub("", text).strip() or type(err).__name__


class EngineError(Exception):
    """Base class: every failure the engine reports on purpose is one of these."""

    code = "engine_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class NotAnImage(EngineError):
    code = "not_an_image"


class UnsupportedFormat(EngineError):
    code = "unsupported_format"


class CorruptImage(EngineError):
    code = "corrupt"
    partial: list[Any] = []  # what a container read before the damage (a JPEG's inspect still reports it)


class TooLarge(EngineError):
    code = "too_large"


class BadOptions(EngineError):
    code = "bad_options"


class StillDirty(EngineError):
    """The output still holds something the policy removes: fail closed, return nothing."""

    code = "still_dirty"


class TargetNotMet(EngineError):
    """No quality and no size down to the smallest allowed fits the requested file size."""

    code = "target_not_met"


class NeedsDecoder(EngineError):
    """In the browser: these pixels need the page's HEIC/AVIF decoder. The worker loads it, decodes the picture
    with it and runs the job again (app/worker.js); `decoder` says which one ("libheif" or "browser")."""

    code = "needs_decoder"

    def __init__(self, message: str, decoder: str) -> None:
        super().__init__(message)
        self.decoder = decoder

    def to_dict(self) -> dict[str, str]:
        return {**super().to_dict(), "decoder": self.decoder}


class NeedsFile(EngineError):
    """In the browser: a data file the site serves but the engine's wheel does not carry (the watermark font: one
    copy on the site, 0.35 MB gzipped, rather than two). The worker fetches `site_path` (checked against the page's
    list of hashes), writes it at `dest` in Python's file system and runs the job again."""

    code = "needs_file"

    def __init__(self, message: str, site_path: str, dest: str) -> None:
        super().__init__(message)
        self.site_path, self.dest = site_path, dest

    def to_dict(self) -> dict[str, str]:
        return {**super().to_dict(), "site_path": self.site_path, "dest": self.dest}


class NeedsCodec(EngineError):
    """In the browser: this output needs one of the page's WebAssembly encoders, not loaded yet. The worker loads it
    (app/codecs.js, its files checked against the page's list of hashes) and runs the job again; `codec` names it."""

    code = "needs_codec"

    def __init__(self, message: str, codec: str) -> None:
        super().__init__(message)
        self.codec = codec

    def to_dict(self) -> dict[str, str]:
        return {**super().to_dict(), "codec": self.codec}


class CodecFailed(EngineError):
    """An encoder failed on this file (its own error, or out of memory): the file fails, the batch goes on. Never
    replaced by another format behind the user's back."""

    code = "codec_failed"
