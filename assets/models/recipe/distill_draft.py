"""Distil the draft on the target's own continuations (sequence-level knowledge distillation).

Speculative decoding pays off when the draft predicts what the *target* will say next, not what the corpus says.
So: take prefixes from the training corpus, let the frozen target continue them (half greedy, half sampled at
T = 0.8), and train the draft to match the target's full next-token distribution at every continuation position
(soft cross-entropy), interleaved with soft-CE batches on plain corpus windows so it keeps its general fit.
usage: distill_draft.py --target work/target_full.pt --draft work/draft_kd.pt --out work/draft_seqkd.pt --minutes 15
"""
import argparse, math, time
import numpy as np
import torch
import torch.nn.functional as F
from model import load, save, mask_from_2d
from train import batches


def soft_ce(logits, target_probs):
    return -(target_probs * F.log_softmax(logits, -1)).sum(-1).mean()


@torch.no_grad()
def continue_batch(T, prefix, n_new, temperature, gen):
    """Continue a batch of equal-length prefixes [b, p] with the KV cache; greedy when temperature == 0."""
    b, p = prefix.shape
    o = T(prefix, torch.arange(p).unsqueeze(0).expand(b, p), mask_from_2d(torch.ones(b, p, dtype=torch.long), p))
    past, seq = o["presents"], [prefix]
    logits = T.lm_head(o["hidden"][-1][:, -1:])[:, 0]
    for i in range(n_new):
        if temperature == 0:
            tok = logits.argmax(-1, keepdim=True)
        else:
            tok = torch.multinomial(F.softmax(logits / temperature, -1), 1, generator=gen)
        seq.append(tok)
        pos = p + i
        o = T(tok, torch.full((b, 1), pos), mask_from_2d(torch.ones(b, pos + 1, dtype=torch.long), 1), past)
        past = o["presents"]
        logits = T.lm_head(o["hidden"][-1])[:, 0]
    return torch.cat(seq, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True)
    ap.add_argument("--draft", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--data", default="work/ids_bpe")
    ap.add_argument("--minutes", type=float, default=15)
    ap.add_argument("--gen-fraction", type=float, default=0.3, help="share of the budget spent generating")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--prefix", type=int, default=24)
    ap.add_argument("--new", type=int, default=96)
    ap.add_argument("--gen-batch", type=int, default=48)
    ap.add_argument("--bs", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(2)
    rng = np.random.default_rng(2)
    gen = torch.Generator().manual_seed(2)
    T, _, _ = load(a.target)
    D, dextra, _ = load(a.draft)
    T.eval()
    for p in T.parameters():
        p.requires_grad = False
    ids = np.load(a.data + ".train.npy")
    budget, t0 = a.minutes * 60, time.time()

    # 1. The target's own continuations.
    seqs, greedy_turn = [], True
    while time.time() - t0 < a.gen_fraction * budget:
        starts = rng.integers(0, len(ids) - a.prefix - 1, a.gen_batch)
        prefix = torch.from_numpy(np.stack([ids[s:s + a.prefix] for s in starts]).astype(np.int64))
        seqs.append(continue_batch(T, prefix, a.new, 0.0 if greedy_turn else 0.8, gen))
        greedy_turn = not greedy_turn
    gen_data = torch.cat(seqs)
    print(f"generated {len(gen_data)} continuations of {a.new} tokens in {time.time() - t0:.0f}s", flush=True)

    # 2. Soft-CE against the target on those continuations, alternating with corpus windows.
    opt = torch.optim.AdamW(D.parameters(), lr=a.lr, weight_decay=0.1, betas=(0.9, 0.95))
    corpus = batches(ids, a.bs // 2, a.prefix + a.new, rng)
    t1, step, seen = time.time(), 0, 0
    train_budget = budget - (t1 - t0)
    while time.time() - t1 < train_budget:
        frac = (time.time() - t1) / train_budget
        lr = a.lr * min(1.0, (step + 1) / 30) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        on_target = step % 3 != 2  # two target-continuation batches for each corpus batch
        if on_target:
            x = gen_data[torch.from_numpy(rng.integers(0, len(gen_data), a.bs))]
            first = a.prefix - 1  # only positions that predict a continuation token
        else:
            x = next(corpus)[:, :-1]
            first = 0
        b, s = x.shape
        pos, am = torch.arange(s).unsqueeze(0).expand(b, s), mask_from_2d(torch.ones(b, s, dtype=torch.long), s)
        with torch.no_grad():
            tp = F.softmax(T.lm_head(T(x, pos, am)["hidden"][-1])[:, first:-1], -1)
        dl = D.lm_head(D(x, pos, am)["hidden"][-1])[:, first:-1]
        loss = soft_ce(dl.reshape(-1, dl.shape[-1]), tp.reshape(-1, tp.shape[-1]))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(D.parameters(), 1.0)
        opt.step()
        step += 1
        seen += b * (s - 1 - first)
        if step % 20 == 0:
            agree = (dl.argmax(-1) == tp.argmax(-1)).float().mean().item()
            print(f"step {step} t {time.time() - t0:.0f}s lr {lr:.2e} {'gen' if on_target else 'corpus'} "
                  f"soft-ce {loss.item():.3f} top1-agree {agree:.3f}", flush=True)
    secs = round(time.time() - t0)
    dextra = dict(dextra)
    dextra["sequence_distillation"] = {"seconds": secs, "continuations": len(gen_data), "new_tokens_each": a.new,
                                       "train_steps": step, "positions_seen": seen, "teacher": "target"}
    save(D, a.out, dextra)
    print(f"done {secs}s", flush=True)


if __name__ == "__main__":
    main()
