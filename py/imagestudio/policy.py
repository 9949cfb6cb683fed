"""What a clean keeps. Everything not allowed here is removed and then verified gone."""

from dataclasses import asdict, dataclass, fields

from .errors import BadOptions


@dataclass(frozen=True)
class CleanPolicy:
    keep_orientation: bool = True   # a minimal EXIF with only Orientation, so portraits stay upright
    keep_icc: bool = True           # dropping the colour profile shifts colours
    keep_copyright: bool = False

    # finding key -> the option that lets it stay in a cleaned file (every other finding is removed)
    KEEPABLE = {"orientation": "keep_orientation", "icc_profile": "keep_icc", "copyright": "keep_copyright"}

    @classmethod
    def from_dict(cls, options: dict | None) -> "CleanPolicy":
        options = dict(options or {})
        known = {f.name for f in fields(cls)}
        unknown = set(options) - known
        if unknown:
            raise BadOptions(f"unknown clean option(s): {', '.join(sorted(unknown))}")
        for key, value in options.items():
            if not isinstance(value, bool):
                raise BadOptions(f"clean option {key} must be true or false")
        return cls(**options)

    def to_dict(self) -> dict:
        return asdict(self)

    def allows(self, finding) -> bool:
        """True when a finding may remain in a cleaned file."""
        option = self.KEEPABLE.get(finding.key)
        return bool(option and getattr(self, option))
