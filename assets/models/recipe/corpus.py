"""Collect the training corpus: Python 3.11 standard-library sources (PSF licence).

Writes work/corpus/{train,val}.txt (files joined by the <|endoftext|> separator) and
work/corpus/manifest.json (file list, sizes, split, provenance).  Held-out files are
chosen by a stable hash of their relative path (about 4 % of files).
"""
import hashlib, json, os, sys

ROOT = os.environ.get("DS_CORPUS_ROOT", "/usr/lib/python3.11")
SEP = "<|endoftext|>"
# Directories left out: test suites, codec tables, third-party packages, caches.
SKIP_DIRS = {"test", "tests", "idle_test", "encodings", "site-packages", "dist-packages",
             "__pycache__", "config-3.11-x86_64-linux-gnu", "pydoc_data", "ensurepip"}
# Generated / data-like modules that a small model would only memorise.
SKIP_FILES = {"_sysconfigdata__linux_x86_64-linux-gnu.py", "_sysconfigdata__x86_64-linux-gnu.py",
              "_pydecimal.py", "unicodedata.py", "keysym.py"}
MAX_BYTES = 150_000


def collect(root):
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS)
        for f in sorted(files):
            if not f.endswith(".py") or f in SKIP_FILES:
                continue
            p = os.path.join(d, f)
            if os.path.getsize(p) > MAX_BYTES or os.path.getsize(p) < 200:
                continue
            try:
                text = open(p, encoding="utf-8").read()
            except UnicodeDecodeError:
                continue
            if SEP in text:
                continue
            out.append((os.path.relpath(p, root), text.replace("\r\n", "\n")))
    return out


def is_val(rel):
    return int(hashlib.sha1(rel.encode()).hexdigest(), 16) % 25 == 0


def main(out_dir):
    if not os.path.isfile(os.path.join(ROOT, "os.py")):
        sys.exit(f"corpus: {ROOT}/os.py not found. Install the Python 3.11 standard library "
                 "(Debian: apt-get install -y libpython3.11-stdlib libpython3.11-minimal) "
                 "or set DS_CORPUS_ROOT to a CPython 3.11 Lib/ directory.")
    files = collect(ROOT)
    os.makedirs(out_dir, exist_ok=True)
    train = [t for r, t in files if not is_val(r)]
    val = [t for r, t in files if is_val(r)]
    for name, part in (("train", train), ("val", val)):
        with open(os.path.join(out_dir, name + ".txt"), "w", encoding="utf-8") as fh:
            fh.write(SEP.join(part) + SEP)
    man = {"source": ROOT, "licence": "PSF-2.0 (Python Software Foundation License Version 2)",
           "package": "Debian libpython3.11-stdlib / libpython3.11-minimal",
           "skip_dirs": sorted(SKIP_DIRS), "skip_files": sorted(SKIP_FILES), "max_file_bytes": MAX_BYTES,
           "files": [{"path": r, "bytes": len(t.encode()), "split": "val" if is_val(r) else "train"}
                     for r, t in files]}
    man["train_bytes"] = sum(len(t.encode()) for t in train)
    man["val_bytes"] = sum(len(t.encode()) for t in val)
    json.dump(man, open(os.path.join(out_dir, "manifest.json"), "w"), indent=1)
    print(f"corpus: {len(files)} files, train {man['train_bytes']} B, val {man['val_bytes']} B")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "work", "corpus"))
