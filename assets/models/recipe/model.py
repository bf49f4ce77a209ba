"""Llama-style decoder (RMSNorm, RoPE, SwiGLU, tied embeddings) plus Medusa heads and an EAGLE head.

Attention is written out by hand (torch 1.13 has no fused kernel) and takes an *additive* mask
[b, 1, s, past+s]; helpers build it from a 2-D int mask (causal + padding) or a 4-D 0/1 float mask.
"""
import json, math
from dataclasses import dataclass, asdict, field
import torch
import torch.nn as nn
import torch.nn.functional as F

NEG = -1e9  # finite, so fully masked rows stay NaN-free


@dataclass
class Cfg:
    vocab_size: int = 4096
    hidden_size: int = 256
    intermediate_size: int = 704
    num_hidden_layers: int = 4
    num_attention_heads: int = 4
    num_key_value_heads: int = 4
    max_position_embeddings: int = 1024
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0
    medusa_heads: int = 0
    eagle: bool = False

    @property
    def head_dim(self):
        return self.hidden_size // self.num_attention_heads

    @staticmethod
    def load(path):
        d = json.load(open(path))
        return Cfg(**{k: d[k] for k in Cfg.__dataclass_fields__ if k in d})


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope(position_ids, head_dim, theta):
    """cos/sin [b, 1, s, head_dim] from int64 position ids (HF Llama 'rotate_half' layout)."""
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    ang = position_ids.float().unsqueeze(-1) * inv
    ang = torch.cat([ang, ang], dim=-1).unsqueeze(1)
    return ang.cos(), ang.sin()


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


def mask_from_2d(attention_mask, seq_len):
    """int mask [b, past+s] (1 = real token) -> additive [b, 1, s, past+s], causal after the past."""
    total = attention_mask.shape[1]
    q = torch.arange(seq_len).unsqueeze(1) + (total - seq_len)
    k = torch.arange(total).unsqueeze(0)
    allowed = (k <= q).unsqueeze(0).unsqueeze(0) & (attention_mask > 0).unsqueeze(1).unsqueeze(2)
    return (1.0 - allowed.float()) * NEG


def mask_from_4d(mask01):
    """float 0/1 mask [b, 1, s, past+s] -> additive."""
    return (1.0 - mask01) * NEG


class Attention(nn.Module):
    def __init__(self, c: Cfg):
        super().__init__()
        self.h, self.kv, self.dh = c.num_attention_heads, c.num_key_value_heads, c.head_dim
        self.q_proj = nn.Linear(c.hidden_size, self.h * self.dh, bias=False)
        self.k_proj = nn.Linear(c.hidden_size, self.kv * self.dh, bias=False)
        self.v_proj = nn.Linear(c.hidden_size, self.kv * self.dh, bias=False)
        self.o_proj = nn.Linear(self.h * self.dh, c.hidden_size, bias=False)

    def forward(self, x, cos, sin, add_mask, past_k=None, past_v=None):
        b, s, _ = x.shape
        q = self.q_proj(x).view(b, s, self.h, self.dh).transpose(1, 2)
        k = self.k_proj(x).view(b, s, self.kv, self.dh).transpose(1, 2)
        v = self.v_proj(x).view(b, s, self.kv, self.dh).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        kk, vv = k, v
        if self.kv != self.h:
            rep = self.h // self.kv
            kk = k.unsqueeze(2).expand(b, self.kv, rep, k.shape[2], self.dh).reshape(b, self.h, k.shape[2], self.dh)
            vv = v.unsqueeze(2).expand(b, self.kv, rep, v.shape[2], self.dh).reshape(b, self.h, v.shape[2], self.dh)
        scores = torch.matmul(q, kk.transpose(2, 3)) * (1.0 / math.sqrt(self.dh)) + add_mask
        probs = torch.softmax(scores, dim=-1)
        out = torch.matmul(probs, vv).transpose(1, 2).reshape(b, s, self.h * self.dh)
        return self.o_proj(out), k, v, probs


class MLP(nn.Module):
    def __init__(self, c: Cfg):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, c: Cfg):
        super().__init__()
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.mlp = MLP(c)

    def forward(self, x, cos, sin, add_mask, past_k=None, past_v=None):
        a, k, v, p = self.self_attn(self.input_layernorm(x), cos, sin, add_mask, past_k, past_v)
        x = x + a
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, k, v, p


class ResBlock(nn.Module):
    """Medusa head body: x + SiLU(W x), W zero-initialised."""
    def __init__(self, d):
        super().__init__()
        self.linear = nn.Linear(d, d)
        nn.init.zeros_(self.linear.weight)
        nn.init.zeros_(self.linear.bias)

    def forward(self, x):
        return x + F.silu(self.linear(x))


class EagleHead(nn.Module):
    """EAGLE-1 style: fc(concat(embed(x_{t+1}), f_t)) -> one decoder layer -> predicted f_{t+1}."""
    def __init__(self, c: Cfg):
        super().__init__()
        self.fc = nn.Linear(2 * c.hidden_size, c.hidden_size, bias=True)
        self.layer = Block(c)

    def forward(self, feats, tok_emb, cos, sin, add_mask, past_k=None, past_v=None):
        x = self.fc(torch.cat([tok_emb, feats], dim=-1))
        return self.layer(x, cos, sin, add_mask, past_k, past_v)


class LM(nn.Module):
    def __init__(self, c: Cfg):
        super().__init__()
        self.cfg = c
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(Block(c) for _ in range(c.num_hidden_layers))
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.medusa = nn.ModuleList(ResBlock(c.hidden_size) for _ in range(c.medusa_heads))
        self.eagle = EagleHead(c) if c.eagle else None
        # zero bias: makes the exporter emit Gemm(transB=1) on the embedding instead of a transposed copy
        self.register_buffer("head_bias", torch.zeros(c.vocab_size), persistent=False)
        self.apply(self._init)

    def _init(self, m):
        if isinstance(m, nn.Linear) and not isinstance(getattr(m, "_ds_keep", None), bool):
            if m.weight.abs().sum() != 0 or m.bias is None:
                nn.init.normal_(m.weight, std=0.02)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def lm_head(self, h):
        """Final norm + tied LM head; 2-D linear so the export reuses the embedding matrix."""
        b, s, d = h.shape
        return F.linear(self.norm(h).reshape(b * s, d), self.embed_tokens.weight, self.head_bias).reshape(b, s, -1)

    def forward(self, input_ids, position_ids, add_mask, past=None, n_layers=None):
        """Returns dict: hidden (list of L+1 [b,s,d]), presents (list of (k,v)), attn (list of probs)."""
        n = n_layers or len(self.layers)
        cos, sin = rope(position_ids, self.cfg.head_dim, self.cfg.rope_theta)
        x = self.embed_tokens(input_ids)
        hidden, presents, attn = [x], [], []
        for i in range(n):
            pk, pv = past[i] if past is not None else (None, None)
            x, k, v, p = self.layers[i](x, cos, sin, add_mask, pk, pv)
            hidden.append(x)
            presents.append((k, v))
            attn.append(p)
        return {"hidden": hidden, "presents": presents, "attn": attn}

    def medusa_logits(self, h_last):
        """[b, s, heads, V]; head k predicts token t+k+2 counted from the input token t (t+k+1 from the base)."""
        return torch.stack([self.lm_head(m(h_last)) for m in self.medusa], dim=2)

    def eagle_forward(self, feats, next_ids, position_ids, add_mask, past_k=None, past_v=None):
        cos, sin = rope(position_ids, self.cfg.head_dim, self.cfg.rope_theta)
        h, k, v, _ = self.eagle(feats, self.embed_tokens(next_ids), cos, sin, add_mask, past_k, past_v)
        return h, k, v


def save(model, path, extra=None):
    torch.save({"cfg": asdict(model.cfg), "state": model.state_dict(), "extra": extra or {}}, path)


def load(path, **override):
    ck = torch.load(path, map_location="cpu")
    cfgd = {**ck["cfg"], **override}
    m = LM(Cfg(**cfgd))
    missing, unexpected = m.load_state_dict(ck["state"], strict=False)
    return m, ck.get("extra", {}), missing
