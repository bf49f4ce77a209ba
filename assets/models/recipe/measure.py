"""Held-out measurements for the model cards (torch side).

usage: measure.py --target work/target_full.pt --draft work/draft_kd.pt --draft-bytes work/draft_bytes.pt --out work/metrics.json
Measures: held-out loss (nats/token and nats/byte), early-exit top-1 agreement with the full model per layer,
Medusa top-1/top-5 accuracy per head, EAGLE one-step acceptance, draft-target greedy agreement along the
target's own greedy output on code prompts, and greedy samples.
"""
import argparse, json, time
import numpy as np
import torch
import torch.nn.functional as F
from model import load, mask_from_2d
from bpe import Encoder, B2U

PROMPTS = ["class Stack:", "def parse_args(", "import os\nimport sys\n\ndef main():", "    def __init__(self, name):",
           "for i in range(", "class Node:\n    def __init__(self, value):", "def read_file(path):",
           "    if __name__ == '__main__':", "try:\n    import", "def __repr__(self):"]


def windows(ids, seq):
    n = (len(ids) - 1) // seq
    x = torch.from_numpy(ids[: n * seq + 1].astype(np.int64))
    return [(x[j * seq:(j + 1) * seq], x[j * seq + 1:(j + 1) * seq + 1]) for j in range(n)]


@torch.no_grad()
def run(m, inp):
    s = inp.shape[1]
    return m(inp, torch.arange(s).unsqueeze(0).expand(inp.shape[0], s), mask_from_2d(torch.ones(inp.shape[0], s, dtype=torch.long), s))


@torch.no_grad()
def heldout(m, ids, seq=256, max_win=None):
    L = m.cfg.num_hidden_layers
    tot, n = 0.0, 0
    exit_agree, exit_acc = torch.zeros(L + 1), torch.zeros(L + 1)
    K = m.cfg.medusa_heads
    med1, med5, medn = torch.zeros(K), torch.zeros(K), torch.zeros(K)
    eagle_ok, eagle_n = 0, 0
    ws = windows(ids, seq)[:max_win]
    for i in range(0, len(ws), 8):
        inp = torch.stack([w[0] for w in ws[i:i + 8]])
        tgt = torch.stack([w[1] for w in ws[i:i + 8]])
        o = run(m, inp)
        lg = m.lm_head(o["hidden"][L])
        tot += F.cross_entropy(lg.reshape(-1, lg.shape[-1]), tgt.reshape(-1), reduction="sum").item()
        n += tgt.numel()
        final = lg.argmax(-1)
        for l in range(1, L + 1):
            e = m.lm_head(o["hidden"][l]).argmax(-1)
            exit_agree[l] += (e == final).sum()
            exit_acc[l] += (e == tgt).sum()
        for k in range(K):
            ml = m.lm_head(m.medusa[k](o["hidden"][L][:, :seq - k - 1]))
            lab = tgt[:, k + 1:]
            med1[k] += (ml.argmax(-1) == lab).sum()
            med5[k] += (ml.topk(5, -1).indices == lab.unsqueeze(-1)).any(-1).sum()
            medn[k] += lab.numel()
        if m.eagle is not None:
            f = o["hidden"][L]
            s = seq - 1
            fh, _, _ = m.eagle_forward(f[:, :-1], inp[:, 1:], torch.arange(s).unsqueeze(0).expand(len(inp), s),
                                       mask_from_2d(torch.ones(len(inp), s, dtype=torch.long), s))
            eagle_ok += (m.lm_head(fh).argmax(-1) == final[:, 1:]).sum().item()
            eagle_n += final[:, 1:].numel()
    r = {"loss": tot / n, "tokens": n}
    if L > 1:
        r["exit_top1_agreement_with_final"] = {str(l): round((exit_agree[l] / n).item(), 4) for l in range(1, L)}
        r["exit_top1_accuracy"] = {str(l): round((exit_acc[l] / n).item(), 4) for l in range(1, L + 1)}
    if K:
        r["medusa_top1"] = [round(x, 4) for x in (med1 / medn).tolist()]
        r["medusa_top5"] = [round(x, 4) for x in (med5 / medn).tolist()]
    if eagle_n:
        r["eagle_top1_acceptance"] = round(eagle_ok / eagle_n, 4)
    return r


@torch.no_grad()
def greedy(m, ids, n_new, n_layers=None):
    s = len(ids)
    o = m(torch.tensor([ids]), torch.arange(s).unsqueeze(0), mask_from_2d(torch.ones(1, s, dtype=torch.long), s), n_layers=n_layers)
    out, past = [], o["presents"]
    tok = int(m.lm_head(o["hidden"][-1])[0, -1].argmax())
    for i in range(n_new):
        out.append(tok)
        p = s + i
        o = m(torch.tensor([[tok]]), torch.tensor([[p]]), mask_from_2d(torch.ones(1, p + 1, dtype=torch.long), 1), past, n_layers=n_layers)
        past = o["presents"]
        tok = int(m.lm_head(o["hidden"][-1])[0, -1].argmax())
    return out


@torch.no_grad()
def agreement_along(m_draft, prompt_ids, cont, n_layers=None):
    """Fraction of target-output positions where the drafter's argmax equals the target's next token."""
    seq = prompt_ids + cont
    s = len(seq)
    o = m_draft(torch.tensor([seq]), torch.arange(s).unsqueeze(0), mask_from_2d(torch.ones(1, s, dtype=torch.long), s), n_layers=n_layers)
    pred = m_draft.lm_head(o["hidden"][-1])[0].argmax(-1)
    p = len(prompt_ids)
    return (pred[p - 1:s - 1] == torch.tensor(cont)).float().sum().item(), len(cont)


@torch.no_grad()
def chain_tokens_per_pass(T, prompt_ids, cont, k=4):
    """Simulated greedy chain drafting along the target's own output (no tree): returns
    (tokens, passes) for Medusa (heads 0..k-1 at the last position) and EAGLE (k autoregressive head steps)."""
    seq = prompt_ids + cont
    s, L, p0 = len(seq), T.cfg.num_hidden_layers, len(prompt_ids)
    o = T(torch.tensor([seq]), torch.arange(s).unsqueeze(0), mask_from_2d(torch.ones(1, s, dtype=torch.long), s))
    f = o["hidden"][L]
    res = {}
    if T.cfg.medusa_heads:
        heads = T.medusa_logits(f)[0].argmax(-1)  # [s, K]
        q, passes, kk = p0 - 1, 1, min(k, T.cfg.medusa_heads)
        while q + 1 < s - 1:
            a = 0
            while a < kk and q + a + 2 < s and int(heads[q, a]) == seq[q + a + 2]:
                a += 1
            q += 1 + a
            passes += 1
        res["medusa"] = (s - p0, passes)
    if T.eagle is not None:
        q, passes = p0 - 1, 1
        while q + 1 < s - 1:
            feats, toks = f[:, :q + 1], torch.tensor([seq[1:q + 2]])
            a = 0
            for step in range(k):
                n = feats.shape[1]
                fh, _, _ = T.eagle_forward(feats, toks, torch.arange(n).unsqueeze(0),
                                           mask_from_2d(torch.ones(1, n, dtype=torch.long), n))
                g = int(T.lm_head(fh[:, -1:])[0, 0].argmax())
                if q + step + 2 >= s or g != seq[q + step + 2]:
                    break
                a += 1
                feats = torch.cat([feats, fh[:, -1:]], 1)
                toks = torch.cat([toks, torch.tensor([[g]])], 1)
            q += 1 + a
            passes += 1
        res["eagle"] = (s - p0, passes)
    return res


def decode(enc, ids):
    inv = {v: k for k, v in enc.vocab.items()}
    u2b = {u: b for b, u in B2U.items()}
    return b"".join(b"<|endoftext|>" if i == 0 else bytes(u2b[ch] for ch in inv[i]) for i in ids).decode("utf-8", "replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True)
    ap.add_argument("--draft", required=True)
    ap.add_argument("--draft-bytes")
    ap.add_argument("--tok", default="work/tok_bpe")
    ap.add_argument("--tok-bytes", default="work/tok_bytes")
    ap.add_argument("--data", default="work/ids_bpe")
    ap.add_argument("--out", required=True)
    ap.add_argument("--new", type=int, default=96)
    ap.add_argument("--quick", action="store_true", help="smoke test: 8 windows, 2 prompts")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    mw = 8 if a.quick else None
    prompts = PROMPTS[:2] if a.quick else PROMPTS
    t0 = time.time()
    enc = Encoder(a.tok)
    val = np.load(a.data + ".val.npy")
    val_bytes = len(open("work/corpus/val.txt", "rb").read())
    T, _, _ = load(a.target)
    D, _, _ = load(a.draft)
    T.eval(), D.eval()
    res = {"val_tokens": len(val), "val_bytes": val_bytes}
    res["target"] = heldout(T, val, max_win=mw)
    res["draft"] = heldout(D, val, max_win=mw)
    for k in ("target", "draft"):
        res[k]["nats_per_byte"] = res[k]["loss"] * len(val) / val_bytes
    if a.draft_bytes:
        DB, _, _ = load(a.draft_bytes)
        vb = np.load("work/ids_bytes.val.npy")
        res["draft_bytes"] = heldout(DB, vb, seq=512, max_win=mw)
        res["draft_bytes"]["nats_per_byte"] = res["draft_bytes"]["loss"]
    L = T.cfg.num_hidden_layers
    agree = {"draft": [0, 0], **{f"exit{l}": [0, 0] for l in range(1, L)}}
    samples, chain = {}, {}
    for pr in prompts:
        pid = enc.encode(pr)
        cont = greedy(T, pid, a.new)
        if pr in PROMPTS[:2]:
            samples[pr] = {"target": decode(enc, cont), "draft": decode(enc, greedy(D, pid, a.new))}
        for kname, (tk, ps) in chain_tokens_per_pass(T, pid, cont).items():
            chain.setdefault(kname, [0, 0])
            chain[kname][0] += tk
            chain[kname][1] += ps
        for name in agree:
            nl = None if name == "draft" else int(name[4:])
            ok, n = agreement_along(D if name == "draft" else T, pid, cont, nl)
            agree[name][0] += ok
            agree[name][1] += n
    res["greedy_agreement_along_target_output"] = {k: round(v[0] / v[1], 4) for k, v in agree.items()}
    res["greedy_agreement_setup"] = f"{len(prompts)} code prompts x {a.new} target greedy tokens, teacher-forced drafter"
    res["samples"] = samples
    res["chain_tokens_per_target_pass_k4"] = {k: round(v[0] / v[1], 3) for k, v in chain.items()}
    res["chain_note"] = "simulated greedy chain (no tree) along the target's own output, k = 4; EAGLE feeds its own predicted features"
    # pick the early-exit depth: expected tokens per target pass at k=4 over the relative cost of one iteration
    est = {}
    for l in range(1, L):
        al = min(res["greedy_agreement_along_target_output"][f"exit{l}"], 0.999)
        tau = (1 - al ** 5) / (1 - al)
        est[str(l)] = {"tokens_per_pass": round(tau, 3), "est_speedup_flops": round(tau / (1 + 4 * l / L), 3)}
    res["exit_layer_estimates_k4"] = est
    cand = [k for k in est if 2 <= int(k) <= L - 2] or list(est)
    res["chosen_exit_layer"] = int(max(cand, key=lambda k: est[k]["est_speedup_flops"]))
    res["seconds"] = round(time.time() - t0)
    json.dump(res, open(a.out, "w"), indent=1)
    print(json.dumps({k: v for k, v in res.items() if k != "samples"}, indent=1))


if __name__ == "__main__":
    main()
