"""The audit's byte search: every text value of six or more characters that exiftool reads from a corpus file's
metadata is searched for in the cleaned bytes; it may be there only when exiftool also reads it from the output
(the policy kept it, as the colour profile's own description)."""

import json
import subprocess

import pytest

from corpus import corpus_files, needs_corpus, oracle
from imagestudio import api

NOT_METADATA = {"SourceFile", "ExifTool", "System", "File", "Composite"}
FILES = [p for p in corpus_files() if p.suffix.lower() not in (".heic", ".heif", ".avif")]
POLICIES = {"default": {}, "keep_all": {"keep_copyright": True, "keep_capture_date": True},
            "nothing": {"keep_icc": False, "keep_orientation": False}}


def _texts(value) -> list[str]:
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts(v)]
    text = str(value).strip()
    return [text] if len(text) >= 6 and not text.startswith("(Binary data") else []


def _values(entry: dict) -> set[str]:
    return {t for key, value in entry.items() if key.split(":")[0] not in NOT_METADATA for t in _texts(value)}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, exiftool):
    out = {}
    for label, policy in POLICIES.items():
        folder = tmp_path_factory.mktemp(label)
        for path in FILES:
            result = api.handle("clean", path.read_bytes(), {"policy": policy}, path.name)
            if result["ok"]:
                (folder / f"{path.name}.out").write_bytes(result["data"])
        meta = json.loads(subprocess.run([exiftool, "-j", "-G1", "-a", "-u", "-ext", "out", str(folder)],
                                         capture_output=True, check=False).stdout or b"[]")
        tags = {entry["SourceFile"].rsplit("/", 1)[1][:-4]: entry for entry in meta}
        out[label] = {name: ((folder / f"{name}.out").read_bytes(), tags.get(name, {})) for name in tags}
    return out


@needs_corpus(FILES)
@pytest.mark.parametrize("policy", list(POLICIES))
def test_no_metadata_text_survives_unless_kept(path, policy, outputs):
    if path.name not in outputs[policy]:
        pytest.skip("refused (tests/test_corpus_clean.py checks why)")
    data, after = outputs[policy][path.name]
    kept_texts = _values(after)  # a kept value (DateTimeOriginal, Copyright) may hold another (GPSDateStamp)
    found = [v for v in _values(oracle().get(path.name, {}))
             if v.encode("utf-8") in data and not any(v in kept for kept in kept_texts)]
    assert not found, f"{path.name}: still in the bytes: {found[:5]}"
