"""Offline search for Draft & Verify's skip sets (which attention / MLP sub-layers the drafter skips).

Draft & Verify searches with Bayesian optimisation; with 12 sub-layers a greedy elimination path plus one-flip
refinement is cheap and deterministic, so that is what this does:
  1. start with nothing skipped; each round, add to the skip set the sub-layer whose removal gives the best
     objective; go on until every sub-layer but one attention is skipped (the path);
  2. take the best set evaluated on the way, then flip single sub-layers (skip <-> keep) while that improves it.

Acceptance is estimated teacher-forced on held-out text exactly as the drafter runs: the draft token at position t
sees the *full model's* KV for positions < t (the verified cache) and its own KV at t, through the reduced layer
stack; alpha = how often its argmax equals the full model's argmax.
Objective: Leviathan et al.'s expected speedup with a fixed draft length gamma (best gamma in 1..max_gamma):
  E[tokens per step] / (gamma * c + 1),  E[tokens] = (1 - alpha^(gamma+1)) / (1 - alpha),
with c = the draft's cost relative to a full decode step: a fixed part (`overhead`: embedding, final norm + LM head,
per-call engine work) plus the kept sub-layers' share of the rest, in multiply-accumulates per token.
"""
import math
import torch
from model import rope, rotate_half, mask_from_2d, NEG


def sublayer_macs(cfg, context):
    """Multiply-accumulates per token of one attention sub-layer (projections + scores over `context`) and one MLP."""
    d, dh = cfg.hidden_size, cfg.head_dim
    attn = d * dh * (2 * cfg.num_attention_heads + 2 * cfg.num_key_value_heads) + 2 * context * cfg.num_attention_heads * dh
    mlp = 3 * d * cfg.intermediate_size
    return attn, mlp


class CostModel:
    def __init__(self, cfg, overhead, context=128):
        self.overhead = overhead
        self.attn, self.mlp = sublayer_macs(cfg, context)
        self.layers = cfg.num_hidden_layers
        self.context = context

    def cost(self, skip_attn, skip_mlp):
        full = self.layers * (self.attn + self.mlp)
        kept = (self.layers - len(skip_attn)) * self.attn + (self.layers - len(skip_mlp)) * self.mlp
        return self.overhead + (1 - self.overhead) * kept / full

    def describe(self):
        return {"overhead": self.overhead, "attention_macs": self.attn, "mlp_macs": self.mlp, "context": self.context}


def speedup(alpha, c, max_gamma):
    """Best expected speedup over gamma in 1..max_gamma, and that gamma."""
    best = (0.0, 1)
    for g in range(1, max_gamma + 1):
        tokens = g + 1 if alpha >= 1 else (1 - alpha ** (g + 1)) / (1 - alpha)
        best = max(best, (tokens / (g * c + 1), g))
    return best


def _proj(att, h, cos, sin):
    b, s, _ = h.shape
    q = att.q_proj(h).view(b, s, att.h, att.dh).transpose(1, 2)
    k = att.k_proj(h).view(b, s, att.kv, att.dh).transpose(1, 2)
    v = att.v_proj(h).view(b, s, att.kv, att.dh).transpose(1, 2)
    return q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin, v


def _expand(t, att):
    """Repeat KV heads for grouped-query attention."""
    if att.kv == att.h:
        return t
    b, _, s, dh = t.shape
    rep = att.h // att.kv
    return t.unsqueeze(2).expand(b, att.kv, rep, s, dh).reshape(b, att.h, s, dh)


class TeacherForced:
    """Full-model pass over fixed windows once; then any skip set is scored against it."""

    @torch.no_grad()
    def __init__(self, m, windows):
        self.m = m
        ids = windows
        b, s = ids.shape
        pos = torch.arange(s).unsqueeze(0).expand(b, s)
        self.ids = ids
        self.cos, self.sin = rope(pos, m.cfg.head_dim, m.cfg.rope_theta)
        causal = mask_from_2d(torch.ones(b, s, dtype=torch.long), s)
        # strictly earlier positions only: the draft token's own KV replaces the diagonal
        strict = torch.triu(torch.full((s, s), NEG), diagonal=0)
        self.strict = strict.view(1, 1, s, s)
        x = m.embed_tokens(ids)
        self.kv = []
        for layer in m.layers:
            a, k, v, _ = layer.self_attn(layer.input_layernorm(x), self.cos, self.sin, causal)
            self.kv.append((k, v))
            x = x + a
            x = x + layer.mlp(layer.post_attention_layernorm(x))
        self.target = m.lm_head(x).argmax(-1)

    @torch.no_grad()
    def draft_argmax(self, skip_attn, skip_mlp):
        m = self.m
        x = m.embed_tokens(self.ids)
        for i, layer in enumerate(m.layers):
            if i not in skip_attn:
                att = layer.self_attn
                q, k, v = _proj(att, layer.input_layernorm(x), self.cos, self.sin)
                K, V = _expand(self.kv[i][0], att), _expand(self.kv[i][1], att)
                k, v = _expand(k, att), _expand(v, att)
                scale = 1.0 / math.sqrt(att.dh)
                ctx = torch.matmul(q, K.transpose(2, 3)) * scale + self.strict
                own = (q * k).sum(-1, keepdim=True) * scale
                p = torch.softmax(torch.cat([ctx, own], dim=-1), dim=-1)
                out = torch.matmul(p[..., :-1], V) + p[..., -1:] * v
                b, _, s, _ = out.shape
                x = x + att.o_proj(out.transpose(1, 2).reshape(b, s, att.h * att.dh))
            if i not in skip_mlp:
                x = x + layer.mlp(layer.post_attention_layernorm(x))
        return m.lm_head(x).argmax(-1)

    def alpha(self, skip_attn, skip_mlp):
        return (self.draft_argmax(skip_attn, skip_mlp) == self.target).float().mean().item()


def sublayers(n_layers):
    return [("attn", i) for i in range(n_layers)] + [("mlp", i) for i in range(n_layers)]


def split(skip):
    return sorted(i for k, i in skip if k == "attn"), sorted(i for k, i in skip if k == "mlp")


def name(skip):
    a, m = split(skip)
    return f"attn{a} mlp{m}"


def search(tf, cost, max_gamma, log=print):
    """Greedy elimination path + one-flip refinement. Returns (best set, figures, path)."""
    L = tf.m.cfg.num_hidden_layers
    every = sublayers(L)
    seen = {}

    def score(skip):
        key = frozenset(skip)
        if key not in seen:
            a, m = split(skip)
            alpha = tf.alpha(set(a), set(m))
            c = cost.cost(a, m)
            s, g = speedup(alpha, c, max_gamma)
            seen[key] = {"alpha": alpha, "cost": c, "speedup": s, "gamma": g}
        return seen[key]

    def allowed(skip):
        # the drafter needs at least one attention sub-layer: it is what reads the cache
        return sum(1 for k, _ in skip if k == "attn") < L

    current, path = set(), []
    while True:
        options = [current | {s} for s in every if s not in current and allowed(current | {s})]
        if not options:
            break
        current = max(options, key=lambda s: (score(s)["speedup"], score(s)["alpha"]))
        f = score(current)
        path.append(f"{name(current)}: alpha {f['alpha']:.3f}, cost {f['cost']:.3f}, speedup {f['speedup']:.3f} (gamma {f['gamma']})")
        log(f"  path {len(current):2d}: {path[-1]}")
    best = set(max((frozenset(s) for s in seen), key=lambda s: seen[s]["speedup"]))
    improved = True
    while improved:
        improved = False
        for s in every:
            cand = best ^ {s}
            if cand and allowed(cand) and score(cand)["speedup"] > score(best)["speedup"] + 1e-9:
                log(f"  flip {s}: {name(cand)} speedup {score(cand)['speedup']:.3f}")
                best, improved = cand, True
    return best, score(best), path, len(seen)
