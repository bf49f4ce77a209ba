"""Export ONNX variants of a trained checkpoint (same weights, opset 17) and share one weights file.

usage: export.py <ckpt.pt> <model_dir> [--exit E] [--no-instrumented]
Writes <model_dir>/onnx/{model,model_instrumented,model_exit{E},eagle}.onnx + model.onnx_data.
"""
import argparse, os, sys
import torch
import torch.nn as nn
from model import load, mask_from_2d, mask_from_4d
from share_data import share_external_data

OPSET = 17
B, S, P = "batch_size", "sequence_length", "past_sequence_length"
T = "past_sequence_length + sequence_length"


class Standard(nn.Module):
    """Optimum-style decoder: 2-D int64 mask, explicit position ids, past in, present out."""
    def __init__(self, m, n_layers=None):
        super().__init__()
        self.m, self.n = m, n_layers or m.cfg.num_hidden_layers

    def forward(self, input_ids, attention_mask, position_ids, *past):
        add = mask_from_2d(attention_mask, input_ids.shape[1])
        pk = [(past[2 * i], past[2 * i + 1]) for i in range(self.n)]
        o = self.m(input_ids, position_ids, add, pk, n_layers=self.n)
        outs = [self.m.lm_head(o["hidden"][-1])]
        for k, v in o["presents"]:
            outs += [k, v]
        return tuple(outs)


class Instrumented(nn.Module):
    """4-D float 0/1 mask; extra outputs attentions, hidden states, exit logits, medusa logits."""
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids, *past):
        L = self.m.cfg.num_hidden_layers
        pk = [(past[2 * i], past[2 * i + 1]) for i in range(L)]
        o = self.m(input_ids, position_ids, mask_from_4d(attention_mask), pk)
        outs = [self.m.lm_head(o["hidden"][L])]
        for k, v in o["presents"]:
            outs += [k, v]
        outs += o["attn"]
        outs += o["hidden"]
        outs += [self.m.lm_head(o["hidden"][i]) for i in range(1, L)]
        if self.m.cfg.medusa_heads:
            outs.append(self.m.medusa_logits(o["hidden"][L]))
        return tuple(outs)


class Eagle(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, hidden_states, input_ids, position_ids, attention_mask, pk, pv):
        h, k, v = self.m.eagle_forward(hidden_states, input_ids, position_ids, mask_from_4d(attention_mask), pk, pv)
        return self.m.lm_head(h), h, k, v


def past_io(n):
    ins, outs, ax = [], [], {}
    for i in range(n):
        for kv in ("key", "value"):
            ins.append(f"past_key_values.{i}.{kv}")
            outs.append(f"present.{i}.{kv}")
            ax[ins[-1]] = {0: B, 2: P}
            ax[outs[-1]] = {0: B, 2: T}
    return ins, outs, ax


def dummy(m, n_layers, four_d, b=2, s=3, p=4):
    c = m.cfg
    ids = torch.randint(0, c.vocab_size, (b, s))
    pos = torch.arange(p, p + s).unsqueeze(0).expand(b, s).contiguous()
    if four_d:
        mask = torch.ones(b, 1, s, p + s)
    else:
        mask = torch.ones(b, p + s, dtype=torch.long)
    past = []
    for _ in range(n_layers):
        past += [torch.randn(b, c.num_key_value_heads, p, c.head_dim) * 0.1 for _ in range(2)]
    return ids, mask, pos, past


def export_standard(m, path, n_layers=None):
    n = n_layers or m.cfg.num_hidden_layers
    ids, mask, pos, past = dummy(m, n, False)
    pin, pout, ax = past_io(n)
    ax.update({"input_ids": {0: B, 1: S}, "attention_mask": {0: B, 1: T}, "position_ids": {0: B, 1: S},
               "logits": {0: B, 1: S}})
    torch.onnx.export(Standard(m, n), (ids, mask, pos, *past), path, opset_version=OPSET,
                      input_names=["input_ids", "attention_mask", "position_ids"] + pin,
                      output_names=["logits"] + pout, dynamic_axes=ax, do_constant_folding=True)


def export_instrumented(m, path):
    L = m.cfg.num_hidden_layers
    ids, mask, pos, past = dummy(m, L, True)
    pin, pout, ax = past_io(L)
    att = [f"attentions.{i}" for i in range(L)]
    hid = [f"hidden_states.{i}" for i in range(L + 1)]
    ex = [f"exit_logits.{i}" for i in range(1, L)]
    med = ["medusa_logits"] if m.cfg.medusa_heads else []
    ax.update({"input_ids": {0: B, 1: S}, "attention_mask": {0: B, 2: S, 3: T}, "position_ids": {0: B, 1: S},
               "logits": {0: B, 1: S}})
    ax.update({n: {0: B, 2: S, 3: T} for n in att})
    ax.update({n: {0: B, 1: S} for n in hid + ex + med})
    torch.onnx.export(Instrumented(m), (ids, mask, pos, *past), path, opset_version=OPSET,
                      input_names=["input_ids", "attention_mask", "position_ids"] + pin,
                      output_names=["logits"] + pout + att + hid + ex + med, dynamic_axes=ax,
                      do_constant_folding=True)


def export_eagle(m, path):
    c = m.cfg
    ids, mask, pos, past = dummy(m, 1, True)
    feats = torch.randn(ids.shape[0], ids.shape[1], c.hidden_size)
    ax = {"hidden_states": {0: B, 1: S}, "input_ids": {0: B, 1: S}, "position_ids": {0: B, 1: S},
          "attention_mask": {0: B, 2: S, 3: T}, "past_key_values.0.key": {0: B, 2: P},
          "past_key_values.0.value": {0: B, 2: P}, "logits": {0: B, 1: S}, "hidden_out": {0: B, 1: S},
          "present.0.key": {0: B, 2: T}, "present.0.value": {0: B, 2: T}}
    torch.onnx.export(Eagle(m), (feats, ids, pos, mask, past[0], past[1]), path, opset_version=OPSET,
                      input_names=["hidden_states", "input_ids", "position_ids", "attention_mask",
                                   "past_key_values.0.key", "past_key_values.0.value"],
                      output_names=["logits", "hidden_out", "present.0.key", "present.0.value"],
                      dynamic_axes=ax, do_constant_folding=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("model_dir")
    ap.add_argument("--exit", type=int, default=0)
    ap.add_argument("--no-instrumented", action="store_true")
    a = ap.parse_args()
    m, _, _ = load(a.ckpt)
    m.eval()
    d = os.path.join(a.model_dir, "onnx")
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    paths = [os.path.join(d, "model.onnx")]
    with torch.no_grad():
        export_standard(m, paths[0])
        if not a.no_instrumented:
            paths.append(os.path.join(d, "model_instrumented.onnx"))
            export_instrumented(m, paths[-1])
        if a.exit:
            paths.append(os.path.join(d, f"model_exit{a.exit}.onnx"))
            export_standard(m, paths[-1], a.exit)
        if m.eagle is not None:
            paths.append(os.path.join(d, "eagle.onnx"))
            export_eagle(m, paths[-1])
    share_external_data(paths, os.path.join(d, "model.onnx_data"))
    for p in paths + [os.path.join(d, "model.onnx_data")]:
        print(f"{os.path.getsize(p):>10} {p}")


if __name__ == "__main__":
    main()
