"""Golden vectors: torch outputs for fixed inputs, so engine tests can check ONNX outputs (max abs diff 1e-4).

usage: golden.py <ckpt.pt> <tok_dir> <out.json> [--instrumented] [--eagle]
Cases: prefill (standard graph), decode step with past, batch of 2 with left padding, tree mask on the
instrumented graph (attentions, hidden states, exit logits, medusa logits), EAGLE head on prefill features.
Full logit rows are stored for a few positions, top-10 (id, value) for every position.
"""
import argparse, json
import torch
from model import load, mask_from_2d, mask_from_4d
from bpe import Encoder

PROMPT = "class Stack:\n    def push(self, item):"
PROMPT2 = "import os"
R = 6  # decimals kept


def rnd(t):
    return [round(float(x), R) for x in t.reshape(-1)]


def top(lg, k=10):
    v, i = lg.topk(k, -1)
    return {"ids": i.tolist(), "values": [[round(float(x), R) for x in row] for row in v]}


def logit_summary(lg, full_rows):
    """lg [s, V] -> top-10 per position + full rows at the requested positions."""
    return {"top10": top(lg), "full_rows": {str(p): rnd(lg[p]) for p in full_rows}}


@torch.no_grad()
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("tok")
    ap.add_argument("out")
    a = ap.parse_args()
    m, _, _ = load(a.ckpt)
    m.eval()
    c = m.cfg
    L = c.num_hidden_layers
    enc = Encoder(a.tok)
    ids = enc.encode(PROMPT)
    n = len(ids)
    x = torch.tensor([ids])
    res = {"tolerance": 1e-4, "note": "torch fp32 reference; inputs given exactly; empty past = [b, kv_heads, 0, head_dim]",
           "config": {"layers": L, "kv_heads": c.num_key_value_heads, "head_dim": c.head_dim, "vocab": c.vocab_size}}
    # 1) prefill, standard graph
    pos = torch.arange(n).unsqueeze(0)
    o = m(x, pos, mask_from_2d(torch.ones(1, n, dtype=torch.long), n))
    lg = m.lm_head(o["hidden"][L])[0]
    res["prefill"] = {"graph": "model.onnx", "prompt": PROMPT, "input_ids": [ids], "attention_mask": [[1] * n],
                      "position_ids": [list(range(n))], "logits": logit_summary(lg, [0, n - 1]),
                      "present.0.key_first_token": rnd(o["presents"][0][0][0, :, 0, :]),
                      "present_shape": list(o["presents"][0][0].shape)}
    # 2) one decode step with the prefill's past
    nxt = int(lg[-1].argmax())
    past = o["presents"]
    o2 = m(torch.tensor([[nxt]]), torch.tensor([[n]]), mask_from_2d(torch.ones(1, n + 1, dtype=torch.long), 1), past)
    lg2 = m.lm_head(o2["hidden"][L])[0]
    res["decode_step"] = {"graph": "model.onnx", "past": "present.* of the prefill case", "input_ids": [[nxt]],
                          "attention_mask": [[1] * (n + 1)], "position_ids": [[n]], "logits": logit_summary(lg2, [0])}
    # 3) batch of 2, left padding (pad id 0, mask 0), positions = cumsum(mask) - 1 (pads get 0)
    ids2 = enc.encode(PROMPT2)
    pad = n - len(ids2)
    xb = torch.tensor([ids, [0] * pad + ids2])
    mb = torch.tensor([[1] * n, [0] * pad + [1] * len(ids2)])
    pb = (mb.cumsum(-1) - 1).clamp(min=0)
    ob = m(xb, pb, mask_from_2d(mb, n))
    lgb = m.lm_head(ob["hidden"][L])
    res["batch_left_pad"] = {"graph": "model.onnx", "input_ids": xb.tolist(), "attention_mask": mb.tolist(),
                             "position_ids": pb.tolist(), "compare_positions": "only rows where attention_mask is 1",
                             "logits": [logit_summary(lgb[0], [n - 1]), logit_summary(lgb[1], [n - 1])]}
    # 4) tree on the instrumented graph after the prefill past: nodes a, b|a, c|a, d|b, e|c
    parents = [-1, 0, 0, 1, 2]
    depth = [0, 1, 1, 2, 2]
    tree_ids = [nxt] + [int(t) for t in lg2[0].topk(2).indices.tolist()] + [17, 42]
    s = len(parents)
    mask = torch.zeros(1, 1, s, n + s)
    mask[..., :n] = 1
    for i in range(s):
        j = i
        while j >= 0:
            mask[0, 0, i, n + j] = 1
            j = parents[j]
    tp = torch.tensor([[n + d for d in depth]])
    ot = m(torch.tensor([tree_ids]), tp, mask_from_4d(mask), past)
    tree = {"graph": "model_instrumented.onnx", "past": "present.* of the prefill case", "input_ids": [tree_ids],
            "parents": parents, "position_ids": tp.tolist(), "attention_mask": mask[0, 0].tolist(),
            "attention_mask_shape": [1, 1, s, n + s],
            "logits": logit_summary(m.lm_head(ot["hidden"][L])[0], [0, s - 1]),
            "attentions": {f"attentions.{i}": rnd(ot["attn"][i]) for i in range(L)},
            "attentions_shape": list(ot["attn"][0].shape),
            "hidden_states": {f"hidden_states.{j}": rnd(ot["hidden"][j][0, :, :16]) for j in range(L + 1)},
            "hidden_states_slice": "[0, :, :16] (first 16 features of every position)",
            "exit_logits": {f"exit_logits.{i}": top(m.lm_head(ot["hidden"][i])[0]) for i in range(1, L)}}
    if c.medusa_heads:
        ml = m.medusa_logits(ot["hidden"][L])[0]  # [s, K, V]
        tree["medusa_logits"] = {"top10_per_head_at_node0": top(ml[0]), "full_row_node0_head0": rnd(ml[0, 0])}
    res["tree"] = tree
    # 5) EAGLE head on the prefill features
    if m.eagle is not None:
        f = o["hidden"][L][:, :-1]
        f = torch.tensor(rnd(f)).view(f.shape)  # the stored (rounded) input is the exact input
        me = torch.tril(torch.ones(n - 1, n - 1)).view(1, 1, n - 1, n - 1)
        he, ke, _ = m.eagle_forward(f, x[:, 1:], pos[:, :-1], mask_from_4d(me))
        res["eagle"] = {"graph": "eagle.onnx", "hidden_states_note": "hidden_states.L of the prefill case, positions 0..n-2",
                        "hidden_states": rnd(f), "hidden_states_shape": list(f.shape),
                        "input_ids": x[:, 1:].tolist(), "position_ids": pos[:, :-1].tolist(),
                        "attention_mask": "causal lower-triangular ones [1,1,n-1,n-1], empty past",
                        "logits": logit_summary(m.lm_head(he)[0], [n - 2]), "hidden_out_last": rnd(he[0, -1]),
                        "present.0.key_shape": list(ke.shape)}
    json.dump(res, open(a.out, "w"), separators=(",", ":"))


if __name__ == "__main__":
    main()
