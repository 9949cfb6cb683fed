"""Every corpus file through a clean, checked by exiftool as an independent oracle (mat2-style allowlist):
after a clean only the groups below may remain, every output decodes, and the pictures are pixel-identical."""

import json
import re
import subprocess

import pytest

from corpus import all_frames, corpus_files, decodes, needs_corpus, oracle, pixels
from imagestudio import api, heif_decode

FILES = corpus_files()

# exiftool -G1 groups a default clean may leave: pixel layout, JFIF/Adobe decoding hints, the colour profile.
STRUCTURE_GROUPS = {"SourceFile", "ExifTool", "System", "File", "Composite", "JFIF", "Adobe", "GIF", "PNG",
                    "PNG-pHYs", "RIFF", "IFD0", "QuickTime", "Meta"}
# HEIF's container groups (QuickTime, Meta) hold the picture's layout; tags with these words would be metadata.
HEIF_PRIVATE = re.compile(r"Date|GPS|Make|Model|Serial|Software|Author|Creator|Thumbnail|Preview|Location")
ICC_GROUP = re.compile(r"^ICC(-|_Profile)")
# IFD0 tags allowed: the pixel layout of a TIFF, and Orientation (kept by default).
IFD0_LAYOUT = {"ImageWidth", "ImageHeight", "BitsPerSample", "Compression", "PhotometricInterpretation",
               "StripOffsets", "SamplesPerPixel", "RowsPerStrip", "StripByteCounts", "PlanarConfiguration",
               "ExtraSamples", "SampleFormat", "ColorMap", "Predictor", "InkSet", "SubfileType",
               "XResolution", "YResolution", "ResolutionUnit"}
FILE_TAGS_FORBIDDEN = {"Comment", "CurrentIPTCDigest"}
POLICIES = {
    "default": {},
    "no_icc_no_orientation": {"keep_icc": False, "keep_orientation": False},
    "keep_copyright": {"keep_copyright": True},
}


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory, exiftool):
    """{policy: {file name: (result, exiftool tags of the output)}}: one exiftool run per policy."""
    out = {}
    for label, policy in POLICIES.items():
        folder = tmp_path_factory.mktemp(label)
        results = {}
        for path in FILES:
            result = api.handle("clean", path.read_bytes(), {"policy": policy}, path.name)
            results[path.name] = result
            if result["ok"]:
                (folder / f"{path.name}.out").write_bytes(result["data"])
        meta = json.loads(subprocess.run([exiftool, "-j", "-G1", "-a", "-u", "-ext", "out", str(folder)],
                                         capture_output=True, check=False).stdout or b"[]")
        tags = {entry["SourceFile"].rsplit("/", 1)[1][:-4]: entry for entry in meta}
        out[label] = {name: (results[name], tags.get(name)) for name in results}
    return out


def _leaks(tags: dict, policy: dict) -> list[str]:
    leaks = []
    for key in tags:
        group, _, tag = key.partition(":")
        if ICC_GROUP.match(group):
            if policy.get("keep_icc") is False:
                leaks.append(key)
        elif group not in STRUCTURE_GROUPS:
            leaks.append(key)
        elif group == "IFD0" and tag not in IFD0_LAYOUT:
            allowed = {"Orientation"} if policy.get("keep_orientation", True) else set()
            allowed |= {"Copyright"} if policy.get("keep_copyright") else set()
            if tag not in allowed:
                leaks.append(key)
        elif group == "File" and tag in FILE_TAGS_FORBIDDEN:
            leaks.append(key)
        elif group == "PNG" and tag not in PNG_LAYOUT:
            leaks.append(key)
        elif group in ("QuickTime", "Meta") and HEIF_PRIVATE.search(tag):
            leaks.append(key)
    return leaks


PNG_LAYOUT = {"ImageWidth", "ImageHeight", "BitDepth", "ColorType", "Compression", "Filter", "Interlace",
              "BackgroundColor", "Gamma", "WhitePointX", "WhitePointY", "RedX", "RedY", "GreenX", "GreenY", "BlueX",
              "BlueY", "SRGBRendering", "Transparency", "Palette", "ProfileName", "AnimationFrames", "AnimationPlays",
              "SignificantBits"}


@needs_corpus(FILES)
@pytest.mark.parametrize("policy", list(POLICIES))
def test_only_the_allowlist_remains(path, policy, cleaned):
    result, tags = cleaned[policy][path.name]
    data = path.read_bytes()
    if not result["ok"]:
        # Refusing is allowed only when Pillow cannot decode the input either, and the reason must be specific.
        assert not decodes(data), f"{path.name} decodes, so it must be cleaned: {result['error']}"
        assert result["error"]["code"] == "corrupt" and path.name in result["error"]["message"]
        assert re.search(r"truncated|does not start with", result["error"]["message"]), result
        return
    assert tags is not None, f"exiftool could not read the clean {path.name}"
    leaks = _leaks(tags, POLICIES[policy])
    assert not leaks, f"{path.name}: exiftool still finds {leaks}"
    assert result["report"]["kept"] == [f for f in result["report"]["kept"]
                                        if f["key"] in ("orientation", "icc_profile", "copyright")]


@needs_corpus(FILES)
def test_output_decodes_to_the_same_pixels(path, cleaned):
    result, _tags = cleaned["default"][path.name]
    if not result["ok"]:
        pytest.skip(result["error"]["message"])
    data, out = path.read_bytes(), result["data"]
    if not decodes(data):
        assert result["report"]["notes"], "a clean of an undecodable file must say so"
        return
    assert decodes(out)
    assert pixels(out) == pixels(data)
    if path.suffix.lower() in (".gif", ".webp"):
        assert all_frames(out) == all_frames(data)  # every frame of an animation, with its timing


@needs_corpus(FILES)
def test_lossless_clean_only_drops_bytes_and_is_idempotent(path, cleaned):
    result, _tags = cleaned["default"][path.name]
    if not result["ok"] or not result["report"]["lossless"]:
        pytest.skip("refused or re-encoded")
    out = result["data"]
    again = api.handle("clean", out, {}, path.name)
    assert again["ok"] and again["data"] == out, "cleaning a clean file must change nothing"
    assert again["report"]["removed"] == []
    growth = 0
    if path.suffix.lower() in (".heic", ".heif", ".avif"):  # a colour profile rewritten canonically may grow
        before, after = heif_decode.picture_icc(path.read_bytes()), heif_decode.picture_icc(out)
        growth = max(0, len(after or b"") - len(before or b""))
    assert len(out) <= len(path.read_bytes()) + 64 + growth  # at most a minimal EXIF was written back


@needs_corpus([p for p in FILES if p.name == "exiftool_ExifTool.jpg"])
def test_keep_copyright_keeps_only_the_exif_notice(path, cleaned):
    _result, tags = cleaned["keep_copyright"][path.name]
    assert tags["IFD0:Copyright"] == "Copyright 2004 Phil Harvey"
    assert "IFD0:Artist" not in tags


# Lossless formats whose input exiftool sees turned (TIFF applies the turn to its pixels instead).
TURNED = [p for p in FILES if p.suffix.lower() in (".jpg", ".jpeg", ".webp", ".png")
          and oracle().get(p.name, {}).get("IFD0:Orientation") not in (None, "Horizontal (normal)")]


@needs_corpus(TURNED)
def test_orientation_survives_a_default_clean(path, cleaned):
    """Whatever IFD0 Orientation exiftool saw in the input, it sees the same in the output (portraits stay up)."""
    result, tags = cleaned["default"][path.name]
    assert result["ok"], result
    assert tags.get("IFD0:Orientation") == oracle()[path.name]["IFD0:Orientation"]
