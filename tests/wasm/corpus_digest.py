# Runs inside Pyodide (run_engine.mjs) and natively (test_corpus_wasm.py): for every corpus file, a digest
# of the clean result and the keys of the report, as JSON.
import hashlib
import json
import os
import sys
import warnings

if os.path.isdir("/engine"):  # inside Pyodide, run_engine.mjs mounts py/ there
    sys.path.insert(0, "/engine")
from imagestudio import api


def digest(path: str) -> dict:
    data = open(path, "rb").read()
    name = os.path.basename(path)
    clean = api.handle("clean", data, {}, name)
    report = api.handle("inspect", data, {}, name)
    return {"clean": hashlib.sha256(clean["data"]).hexdigest() if clean["ok"] else clean["error"]["code"],
            "findings": [f["key"] for f in report["report"]["findings"]] if report["ok"] else report["error"]["code"]}


def main(corpus: str = "/corpus") -> str:
    warnings.simplefilter("ignore")
    names = sorted(n for n in os.listdir(corpus) if not n.endswith((".tsv", ".json", ".md")))
    return json.dumps({n: digest(os.path.join(corpus, n)) for n in names})


RESULT = main() if __name__ == "__main__" else None
RESULT  # runPython returns the last expression
