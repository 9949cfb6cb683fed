"""Typed engine errors: a stable machine code plus a one-line human message."""


class EngineError(Exception):
    """Base class: every failure the engine reports on purpose is one of these."""

    code = "engine_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


class NotAnImage(EngineError):
    code = "not_an_image"


class UnsupportedFormat(EngineError):
    code = "unsupported_format"


class CorruptImage(EngineError):
    code = "corrupt"


class TooLarge(EngineError):
    code = "too_large"


class BadOptions(EngineError):
    code = "bad_options"


class StillDirty(EngineError):
    """The output still holds something the policy removes: fail closed, return nothing."""

    code = "still_dirty"
