"""Coverage-guided fuzzing of the engine's parsers, bounded in time:  python3 fuzz/run.py --seconds 60

Outside the normal test suite. Needs atheris (a libFuzzer binding, PyPI wheels for CPython 3.8-3.11 on Linux x86-64)
next to the same Pillow and piexif as the browser: when the running Python lacks them, this script makes
.cache/fuzz-venv with atheris==3.0.0 pillow==10.2.0 piexif==1.1.3 and re-runs itself there.
Seeds: the small dirty files and hostile inputs of tests/ (hostile_heif.py too) plus the shared corpus and the
HEIF collection (../shared/heif) when present. The growing corpus
lives in .cache/fuzz/corpus; a crashing input is written to .cache/fuzz/crashes/ and the exit status is 1.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / ".cache" / "fuzz"
VENV = ROOT / ".cache" / "fuzz-venv"
PINS = ["atheris==3.0.0", "pillow==10.2.0", "piexif==1.1.3"]
MAX_LEN = 64 * 1024


def ready() -> bool:
    try:
        import atheris  # noqa: F401
        import piexif
        import PIL
    except ImportError:
        return False
    return PIL.__version__ == "10.2.0" and piexif.VERSION == "1.1.3"


def ensure_env(argv) -> None:
    if ready():
        return
    python = VENV / "bin" / "python"
    if os.environ.get("IMAGE_STUDIO_FUZZ_REEXEC"):
        sys.exit(f"fuzz: {python} still lacks {' '.join(PINS)}")
    if not python.exists():
        print(f"fuzz: creating {VENV} with {' '.join(PINS)}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PINS],
                       check=True)
    os.execve(str(python), [str(python), __file__, *argv], {**os.environ, "IMAGE_STUDIO_FUZZ_REEXEC": "1"})


def write_seeds(folder: Path) -> int:
    sys.path[:0] = [str(ROOT / "py"), str(ROOT / "tests")]
    import hostile_inputs as hi

    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    seeds = [(0, make()) for make in hi.DIRTY.values()]
    seeds += [(1, hi.dirty_gif(frames=3)), (2, hi.dirty_webp(lossless=True)), (3, hi.dirty_png(mode="P"))]
    seeds += [(i % 4, data) for i, (_, data) in enumerate(hi.bad_inputs()) if 0 < len(data) <= MAX_LEN // 4]
    corpus = ROOT.parent / "shared" / "corpus"
    if corpus.is_dir():
        seeds += [(0, p.read_bytes()) for p in sorted(corpus.iterdir())
                  if p.suffix.lower() not in (".json", ".tsv", ".md") and p.stat().st_size <= MAX_LEN]
    import hostile_heif
    seeds += [(i % 4, data) for i, data in enumerate(
        [hostile_heif.dirty_heif(), hostile_heif.heif_with_gain_map(), *hostile_heif.hostile_heifs().values()])
        if len(data) <= MAX_LEN]
    heif_files = ROOT.parent / "shared" / "heif"  # libheif's samples and its fuzzers' crashers
    if heif_files.is_dir():
        seeds += [(i % 4, p.read_bytes()) for i, p in enumerate(sorted(heif_files.iterdir()))
                  if p.suffix.lower() in (".heic", ".heif", ".avif") and p.stat().st_size <= MAX_LEN]
    seeds += [(4, hi.exif_body()[6:])] + [(4, body) for body in hi.hostile_exif_bodies().values()]
    seeds += [(5, b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-'
                  b'ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>'
                  b'Jane</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>')]
    seeds += [(6, b"8BIM\x04\x04\x00\x00\x00\x00\x00\x0c\x1c\x02\x50\x00\x04Jane\x1c\x02\x00"),
              (7, b"\x00" * 128 + b"\x00\x00\x00\x01desc\x00\x00\x00\x90\x00\x00\x00\x20"
                  + b"desc\x00\x00\x00\x00\x00\x00\x00\x05sRGB\x00" + b"\x00" * 11)]
    for i, (mode, data) in enumerate(seeds):
        (folder / f"seed-{i:04d}").write_bytes(bytes([mode]) + data[:MAX_LEN - 1])
    return len(seeds)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="total fuzzing time (default 60)")
    parser.add_argument("--timeout", type=int, default=10, help="seconds one input may take before it counts as a hang")
    parser.add_argument("--rss-mb", type=int, default=2048, help="memory limit; more counts as a crash")
    parser.add_argument("libfuzzer", nargs="*", help="extra libFuzzer flags, e.g. -seed=1 or a crash file to replay")
    args = parser.parse_args(argv)
    ensure_env(argv)

    seeds, corpus, crashes = WORK / "seeds", WORK / "corpus", WORK / "crashes"
    corpus.mkdir(parents=True, exist_ok=True)
    crashes.mkdir(parents=True, exist_ok=True)
    count = write_seeds(seeds)
    replay = [a for a in args.libfuzzer if not a.startswith("-")]
    flags = [f"-max_total_time={args.seconds}", f"-timeout={args.timeout}", f"-rss_limit_mb={args.rss_mb}",
             f"-max_len={MAX_LEN}", f"-artifact_prefix={crashes}/", "-print_final_stats=1",
             *[a for a in args.libfuzzer if a.startswith("-")]]
    command = [sys.executable, str(Path(__file__).with_name("harness.py")), *flags,
               *(replay or [str(corpus), str(seeds)])]
    print(f"fuzz: {count} seeds, {args.seconds}s, per-input timeout {args.timeout}s", flush=True)
    started = time.monotonic()
    proc = subprocess.run(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, errors="replace")
    elapsed = time.monotonic() - started
    log = proc.stderr
    (WORK / "last.log").write_text(log)
    runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log) or re.findall(r"Done (\d+) runs", log)
    execs = int(runs[-1]) if runs else 0
    found = re.findall(r"Test unit written to (\S+)", log)
    print(f"fuzz: {execs} executions in {elapsed:.0f}s; corpus {sum(1 for _ in corpus.iterdir())} inputs; "
          f"exit {proc.returncode}", flush=True)
    if proc.returncode != 0:
        tail = "\n".join(log.splitlines()[-40:])
        print(f"fuzz: CRASH (full log in {WORK / 'last.log'}):\n{tail}\n" + "\n".join(f"  input: {f}" for f in found))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
