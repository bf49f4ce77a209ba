"""Train a decoder LM on token ids with a wall-clock budget (cosine LR over the budget).

LayerSkip-style early-exit loss: every intermediate layer i (1..L-1) also predicts the next token
through the shared final norm + LM head, weight exit_scale * i / L, on a random subset of positions.
usage: train.py --cfg cfg.json --data work/ids_bpe --out work/target.pt --minutes 60 [--threads 2]
"""
import argparse, json, math, os, sys, time
import numpy as np
import torch
import torch.nn.functional as F
from model import Cfg, LM, mask_from_2d, save


def batches(ids, bs, seq, rng):
    while True:
        starts = rng.integers(0, len(ids) - seq - 1, bs)
        x = np.stack([ids[s:s + seq + 1] for s in starts]).astype(np.int64)
        yield torch.from_numpy(x)


@torch.no_grad()
def evaluate(model, ids, seq=256, max_tokens=None):
    model.eval()
    n = (len(ids) - 1) // seq
    if max_tokens:
        n = min(n, max_tokens // seq)
    x = torch.from_numpy(ids[: n * seq + 1].astype(np.int64))
    tot, cnt, L = 0.0, 0, model.cfg.num_hidden_layers
    exit_tot = torch.zeros(L + 1)
    pos = torch.arange(seq).unsqueeze(0)
    am = mask_from_2d(torch.ones(1, seq, dtype=torch.long), seq)
    for i in range(0, n, 8):
        inp = torch.stack([x[j * seq:(j + 1) * seq] for j in range(i, min(n, i + 8))])
        tgt = torch.stack([x[j * seq + 1:(j + 1) * seq + 1] for j in range(i, min(n, i + 8))])
        out = model(inp, pos.expand(len(inp), seq), am)
        for l in range(1, L + 1):
            lg = model.lm_head(out["hidden"][l])
            exit_tot[l] += F.cross_entropy(lg.reshape(-1, lg.shape[-1]), tgt.reshape(-1), reduction="sum")
        cnt += tgt.numel()
    model.train()
    return (exit_tot / cnt).tolist()  # index l = loss when exiting after layer l (index L = full model)


def merge_history(init_extra, extra, peak_lr):
    """A continued run's checkpoint describes the whole model: totals over every phase, and this phase apart."""
    prev = {k: v for k, v in init_extra.items() if k != "log"}
    out = dict(extra)
    out["continuation"] = {"seconds": extra.get("train_seconds", 0), "tokens_seen": extra.get("tokens_seen", 0),
                           "steps": extra.get("step", 0), "peak_lr": peak_lr, "val_loss": extra.get("val_loss")}
    out["continued_from"] = prev
    out["tokens_seen"] = prev.get("tokens_seen", 0) + extra.get("tokens_seen", 0)
    out["train_seconds"] = prev.get("train_seconds", 0) + extra.get("train_seconds", 0)
    for k in ("lr", "batch", "threads", "exit_scale", "params", "continued_training", "step"):
        if k in prev:
            out[k] = prev[k]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cfg", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--bs", type=int, default=8)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--exit-scale", type=float, default=0.3)
    ap.add_argument("--exit-frac", type=float, default=0.125)
    ap.add_argument("--ckpt-minutes", type=float, default=5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--init", help="continue from this checkpoint's base weights (heads are dropped)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    cfg = Cfg(**json.load(open(a.cfg)))
    model = LM(cfg)
    if a.init:
        # strict=False: a checkpoint from train_heads.py also holds Medusa/EAGLE weights, which belong to the next stage
        init_ck = torch.load(a.init, map_location="cpu")
        state = {k: v for k, v in init_ck["state"].items() if not (k.startswith("medusa") or k.startswith("eagle"))}
        model.load_state_dict(state)
        print(f"init from {a.init}", flush=True)
    train_ids = np.load(a.data + ".train.npy")
    val_ids = np.load(a.data + ".val.npy")
    nparam = sum(p.numel() for p in model.parameters())
    print(f"params {nparam} train tokens {len(train_ids)}", flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    other = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                            lr=a.lr, betas=(0.9, 0.95))
    L = cfg.num_hidden_layers
    pos = torch.arange(a.seq).unsqueeze(0).expand(a.bs, a.seq)
    am = mask_from_2d(torch.ones(a.bs, a.seq, dtype=torch.long), a.seq)
    budget = a.minutes * 60
    t0 = time.time()
    last_ck, step, seen, warm = t0, 0, 0, 100
    log = []
    best = float("inf")
    for xb in batches(train_ids, a.bs, a.seq, rng):
        frac = (time.time() - t0) / budget
        if frac >= 1:
            break
        lr = a.lr * min(1.0, (step + 1) / warm) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        inp, tgt = xb[:, :-1], xb[:, 1:]
        out = model(inp, pos, am)
        lg = model.lm_head(out["hidden"][L])
        loss = F.cross_entropy(lg.reshape(-1, cfg.vocab_size), tgt.reshape(-1))
        total = loss
        if a.exit_scale > 0 and L > 1:
            sel = torch.rand(a.bs, a.seq) < a.exit_frac
            t_sel = tgt[sel]
            for l in range(1, L):
                h = out["hidden"][l][sel].unsqueeze(0)
                el = F.cross_entropy(model.lm_head(h)[0], t_sel)
                total = total + a.exit_scale * l / L * el
        opt.zero_grad(set_to_none=True)
        total.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        seen += inp.numel()
        if step % 50 == 0:
            el = time.time() - t0
            print(f"step {step} t {el:.0f}s tok {seen} tok/s {seen / el:.0f} lr {lr:.2e} loss {loss.item():.3f}", flush=True)
        if time.time() - last_ck > a.ckpt_minutes * 60:
            v = evaluate(model, val_ids, max_tokens=8192)
            print(f"val(8k) step {step} full {v[L]:.3f} exits {[round(x, 3) for x in v[1:L]]}", flush=True)
            log.append({"step": step, "seconds": round(time.time() - t0), "tokens": seen, "val_loss_8k": v[L]})
            if v[L] < best:  # the corpus is small: several epochs can overfit, so keep the best checkpoint
                best = v[L]
                save(model, a.out, {"step": step, "tokens_seen": seen, "log": log})
            last_ck = time.time()
    train_s = time.time() - t0
    if best < float("inf") and evaluate(model, val_ids, max_tokens=8192)[L] > best:
        model.load_state_dict(torch.load(a.out, map_location="cpu")["state"])
        print(f"final weights worse than the best checkpoint ({best:.3f}): keeping the checkpoint", flush=True)
    v = evaluate(model, val_ids)
    print(f"final val loss {v[L]:.4f} exits {[round(x, 3) for x in v[1:L]]}", flush=True)
    extra = {"step": step, "tokens_seen": seen, "train_seconds": round(train_s), "val_loss": v[L],
             "val_loss_exit": v[1:L], "params": nparam, "log": log, "threads": a.threads,
             "batch": [a.bs, a.seq], "lr": a.lr, "exit_scale": a.exit_scale}
    if a.init:
        extra = merge_history(init_ck.get("extra", {}), extra, a.lr)
    save(model, a.out, extra)
    json.dump(extra, open(a.out + ".json", "w"), indent=1)


if __name__ == "__main__":
    main()
