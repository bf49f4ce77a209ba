"""Train Medusa heads + EAGLE head on the frozen target, and (optionally) distil the draft from it.

One frozen target forward per batch feeds all three students:
  Medusa: head k on the last hidden state at t predicts token t+k+2 (CE, weight 0.8^k).
  EAGLE : fc(concat(embed(x_{t+1}), f_t)) -> layer -> f^_{t+1}; SmoothL1 to f_{t+1} + 0.1 * soft CE
          of lm_head(f^_{t+1}) against the target's distribution at t+1.
  draft : soft CE against the target's next-token distribution + 0.2 * CE on the real tokens.
usage: train_heads.py --target work/target.pt --out work/target_full.pt [--draft work/draft.pt --draft-out ...]
"""
import argparse, json, math, time
import numpy as np
import torch
import torch.nn.functional as F
from model import load, save, mask_from_2d
from train import batches


def soft_ce(logits, target_probs):
    return -(target_probs * F.log_softmax(logits, -1)).sum(-1).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--draft")
    ap.add_argument("--draft-out")
    ap.add_argument("--data", default="work/ids_bpe")
    ap.add_argument("--minutes", type=float, default=15)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--draft-lr", type=float, default=1e-3)
    ap.add_argument("--bs", type=int, default=8)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--medusa-frac", type=float, default=0.5)
    ap.add_argument("--train-target-lr", type=float, default=0.0,
                    help="> 0: keep training the target's LM loss at the same time (heads see detached features)")
    ap.add_argument("--exit-scale", type=float, default=0.1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    rng = np.random.default_rng(1)
    tgt, extra, _ = load(a.target, medusa_heads=a.heads, eagle=True)
    for n, p in tgt.named_parameters():
        p.requires_grad = n.startswith("medusa") or n.startswith("eagle")
    # EAGLE layer starts from the target's last layer (same shapes): faster convergence
    tgt.eagle.layer.load_state_dict(tgt.layers[-1].state_dict())
    head_params = [p for p in tgt.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(head_params, lr=a.lr, weight_decay=0.0)
    base_params = [p for n, p in tgt.named_parameters() if not (n.startswith("medusa") or n.startswith("eagle"))]
    if a.train_target_lr > 0:
        base_opt = torch.optim.AdamW(base_params, lr=a.train_target_lr, weight_decay=0.1, betas=(0.9, 0.95))
    base_seen = 0
    draft = None
    if a.draft:
        draft, dextra, _ = load(a.draft)
        dopt = torch.optim.AdamW(draft.parameters(), lr=a.draft_lr, weight_decay=0.1, betas=(0.9, 0.95))
    ids = np.load(a.data + ".train.npy")
    K, S, L = a.heads, a.seq, tgt.cfg.num_hidden_layers
    pos = torch.arange(S).unsqueeze(0).expand(a.bs, S)
    am = mask_from_2d(torch.ones(a.bs, S, dtype=torch.long), S)
    t0, step, seen = time.time(), 0, 0
    for xb in batches(ids, a.bs, S + K + 1, rng):
        frac = (time.time() - t0) / (a.minutes * 60)
        if frac >= 1:
            break
        sched = min(1.0, (step + 1) / 50) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        inp = xb[:, :S]
        if a.train_target_lr > 0:  # continue the target's own training (LM + early-exit loss)
            for p in base_params:
                p.requires_grad = True
            o = tgt(inp, pos, am)
            lab = xb[:, 1:S + 1]
            tl = tgt.lm_head(o["hidden"][L])
            lm = F.cross_entropy(tl.reshape(-1, tl.shape[-1]), lab.reshape(-1))
            sel_e = torch.rand(a.bs, S) < 0.125
            for l in range(1, L):
                lm = lm + a.exit_scale * l / L * F.cross_entropy(tgt.lm_head(o["hidden"][l][sel_e].unsqueeze(0))[0], lab[sel_e])
            for g in base_opt.param_groups:
                g["lr"] = a.train_target_lr * sched
            base_opt.zero_grad(set_to_none=True)
            lm.backward()
            torch.nn.utils.clip_grad_norm_(base_params, 1.0)
            base_opt.step()
            base_seen += inp.numel()
            for p in base_params:
                p.requires_grad = False
            f, tlog = o["hidden"][L].detach(), tl.detach()  # features from before this step's update
            tprob = F.softmax(tlog, -1)
        else:
            with torch.no_grad():
                o = tgt(inp, pos, am)
                f = o["hidden"][L]
                tlog = tgt.lm_head(f)
                tprob = F.softmax(tlog, -1)
        # Medusa on a random subset of positions
        sel = torch.rand(a.bs, S) < a.medusa_frac
        hs = f[sel].unsqueeze(0)
        med_loss = 0.0
        for k in range(K):
            lab = xb[:, k + 2:k + 2 + S][sel]
            lg = tgt.lm_head(tgt.medusa[k](hs))[0]
            med_loss = med_loss + 0.8 ** k * F.cross_entropy(lg, lab)
        # EAGLE: pairs (f_t, x_{t+1}) for t = 0..S-2
        am_e = am[:, :, :S - 1, :S - 1]
        fh, _, _ = tgt.eagle_forward(f[:, :-1], inp[:, 1:], pos[:, :S - 1], am_e)
        reg = F.smooth_l1_loss(fh, f[:, 1:])
        cls = soft_ce(tgt.lm_head(fh).reshape(-1, tlog.shape[-1]), tprob[:, 1:].reshape(-1, tlog.shape[-1]))
        loss = med_loss + reg + 0.1 * cls
        for g in opt.param_groups:
            g["lr"] = a.lr * sched
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(head_params, 1.0)
        opt.step()
        if draft is not None:
            do = draft(inp, pos, am)
            dl = draft.lm_head(do["hidden"][-1]).reshape(-1, tlog.shape[-1])
            dloss = soft_ce(dl, tprob.reshape(-1, tlog.shape[-1])) + 0.2 * F.cross_entropy(dl, xb[:, 1:S + 1].reshape(-1))
            for g in dopt.param_groups:
                g["lr"] = a.draft_lr * sched
            dopt.zero_grad(set_to_none=True)
            dloss.backward()
            torch.nn.utils.clip_grad_norm_(draft.parameters(), 1.0)
            dopt.step()
        step += 1
        seen += inp.numel()
        if step % 20 == 0:
            msg = f"step {step} t {time.time() - t0:.0f}s tok {seen} medusa {med_loss.item():.3f} eagle reg {reg.item():.4f} cls {cls.item():.3f}"
            if draft is not None:
                msg += f" draft {dloss.item():.3f}"
            print(msg, flush=True)
    secs = round(time.time() - t0)
    extra = dict(extra)
    extra["heads_training"] = {"seconds": secs, "tokens_seen": seen, "steps": step, "medusa_heads": K}
    if base_seen:
        extra["continued_training"] = {"seconds": secs, "tokens_seen": base_seen, "peak_lr": a.train_target_lr,
                                       "note": "target kept training (LM + early-exit loss) while the heads trained"}
        extra["tokens_seen"] = extra.get("tokens_seen", 0) + base_seen
        extra["train_seconds"] = extra.get("train_seconds", 0) + secs
    save(tgt, a.out, extra)
    if draft is not None:
        dextra = dict(dextra)
        dextra["distillation"] = {"seconds": secs, "tokens_seen": seen, "teacher": "target"}
        save(draft, a.draft_out, dextra)
    print(f"done {secs}s {seen} tokens", flush=True)


if __name__ == "__main__":
    main()
