"""Byte-level BPE (GPT-2 style) trained on the corpus, written as Hugging Face tokenizer files.

usage: bpe.py train <corpus_dir> <out_dir> <vocab_size>   -> tokenizer.json, tokenizer_config.json
       bpe.py bytes <out_dir>                              -> plain-byte tokenizer (256 bytes + special)
       bpe.py encode <tok_dir> <corpus_dir> <out_prefix>   -> <out_prefix>.{train,val}.npy (uint16 ids)
Id layout: 0 = <|endoftext|>, 1..256 = the 256 bytes, then merged tokens in merge order.
"""
import collections, json, os, sys
import numpy as np
try:
    import regex
except ImportError:
    sys.exit("bpe: python3-regex is missing (Debian: apt-get install -y python3-regex)")

SPECIAL = "<|endoftext|>"
PAT = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def byte_to_unicode():
    """The GPT-2 reversible byte -> printable character table."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    chars, n = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + n)
            n += 1
    return chars


B2U = byte_to_unicode()


def words_of(text):
    """Pre-tokenise like the ByteLevel pre-tokenizer; special tokens split the text first."""
    for piece in text.split(SPECIAL):
        for w in PAT.findall(piece):
            yield w


def train(text, vocab_size):
    counts = collections.Counter(words_of(text))
    words = [[B2U[b] for b in w.encode("utf-8")] for w in counts]
    freq = list(counts.values())
    pairs = collections.Counter()
    where = collections.defaultdict(set)
    for i, w in enumerate(words):
        for a, b in zip(w, w[1:]):
            pairs[(a, b)] += freq[i]
            where[(a, b)].add(i)
    merges = []
    n_merges = vocab_size - 257
    while len(merges) < n_merges and pairs:
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        if pairs[best] < 2:
            break
        merges.append(best)
        new = best[0] + best[1]
        for i in list(where[best]):
            w = words[i]
            for a, b in zip(w, w[1:]):  # remove this word's old pairs
                pairs[(a, b)] -= freq[i]
                if pairs[(a, b)] <= 0:
                    del pairs[(a, b)]
                where[(a, b)].discard(i)
            j, out = 0, []
            while j < len(w):
                if j + 1 < len(w) and w[j] == best[0] and w[j + 1] == best[1]:
                    out.append(new)
                    j += 2
                else:
                    out.append(w[j])
                    j += 1
            words[i] = out
            for a, b in zip(out, out[1:]):
                pairs[(a, b)] += freq[i]
                where[(a, b)].add(i)
        where.pop(best, None)
    return merges


def special_entry(i):
    return {"id": i, "content": SPECIAL, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def write_tokenizer(out_dir, merges, note):
    vocab = {B2U[b]: b + 1 for b in range(256)}
    for a, b in merges:
        vocab[a + b] = len(vocab) + 1
    vocab = {SPECIAL: 0, **vocab}
    bl = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": [special_entry(0)],
           "normalizer": None, "pre_tokenizer": bl,
           "post_processor": {**bl, "trim_offsets": False}, "decoder": bl,
           "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                     "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                     "ignore_merges": False, "vocab": vocab, "merges": [a + " " + b for a, b in merges]}}
    cfg = {"add_bos_token": False, "add_eos_token": False, "add_prefix_space": False,
           "added_tokens_decoder": {"0": {k: v for k, v in special_entry(0).items() if k != "id"}},
           "bos_token": SPECIAL, "eos_token": SPECIAL, "unk_token": SPECIAL, "pad_token": SPECIAL,
           "clean_up_tokenization_spaces": False, "model_max_length": 1024,
           "tokenizer_class": "GPT2Tokenizer", "decodescope_note": note}
    os.makedirs(out_dir, exist_ok=True)
    json.dump(tok, open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8"), ensure_ascii=False)
    json.dump(cfg, open(os.path.join(out_dir, "tokenizer_config.json"), "w"), indent=2)
    print(f"tokenizer: {len(vocab)} tokens -> {out_dir}")


class Encoder:
    def __init__(self, tok_dir):
        tok = json.load(open(os.path.join(tok_dir, "tokenizer.json"), encoding="utf-8"))
        self.vocab = tok["model"]["vocab"]
        self.rank = {tuple(m.split(" ")): i for i, m in enumerate(tok["model"]["merges"])}
        self.cache = {}

    def word(self, w):
        if w in self.cache:
            return self.cache[w]
        parts = [B2U[b] for b in w.encode("utf-8")]
        while len(parts) > 1:
            cand = [(self.rank.get((a, b), 1 << 30), k) for k, (a, b) in enumerate(zip(parts, parts[1:]))]
            r, k = min(cand)
            if r == 1 << 30:
                break
            parts[k:k + 2] = [parts[k] + parts[k + 1]]
        ids = [self.vocab[p] for p in parts]
        self.cache[w] = ids
        return ids

    def encode(self, text):
        out = []
        for i, piece in enumerate(text.split(SPECIAL)):
            if i:
                out.append(0)
            for w in PAT.findall(piece):
                out.extend(self.word(w))
        return out


def main(argv):
    if argv[0] == "train":
        text = open(os.path.join(argv[1], "train.txt"), encoding="utf-8").read()
        merges = train(text, int(argv[3]))
        write_tokenizer(argv[2], merges, "byte-level BPE trained on the Python 3.11 standard library (see README.md)")
    elif argv[0] == "bytes":
        write_tokenizer(argv[1], [], "plain bytes: ids 1..256 are bytes 0..255, id 0 is <|endoftext|>")
    elif argv[0] == "encode":
        enc = Encoder(argv[1])
        for split in ("train", "val"):
            ids = enc.encode(open(os.path.join(argv[2], split + ".txt"), encoding="utf-8").read())
            np.save(f"{argv[3]}.{split}.npy", np.array(ids, dtype=np.uint16))
            print(f"encode: {split} {len(ids)} tokens")


if __name__ == "__main__":
    main(sys.argv[1:])
