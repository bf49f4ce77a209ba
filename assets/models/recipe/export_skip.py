"""Export the target's Draft & Verify drafting graph (Zhang et al., ACL'24): the same decoder with chosen attention
and MLP sub-layers skipped (identity: the residual stream passes through unchanged).

usage: export_skip.py <model_dir> [--val work/ids_bpe.val.npy] [--skip-attn 1,4 --skip-mlp 2]
                      [--overhead 0.35] [--max-gamma 8] [--windows 16] [--seq 256] [--no-check]

Weights come from <model_dir>/onnx/model.onnx + model.onnx_data (the shipped target, so no checkpoint is needed and
the result is reproducible from the repository alone); they are checked against golden/golden.json first.
Without --skip-attn/--skip-mlp the skip sets are searched on held-out corpus windows (skip_search.py): the first
half of the windows choose, the second half report.
Writes <model_dir>/onnx/model_skip.onnx whose large initializers point *into the existing* model.onnx_data by
offset (model.onnx and model.onnx_data are never written; their sha256 is checked before and after), and records
the sets and the search figures in config.json decodescope.onnx_variants["model_skip.onnx"].
Inputs/outputs follow model.onnx (Optimum): input_ids, attention_mask, position_ids, past_key_values.{l}.key/value
and present.{l}.key/value for the layers whose attention is kept (original layer numbers), logits.
Then node check_skip.mjs: ORT loads the graph and matches torch; the same export with nothing skipped matches
model.onnx's logits.
"""
import argparse, hashlib, json, os, subprocess, sys, tempfile
import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper, TensorProto
from model import Cfg, LM, rope, mask_from_2d
from share_data import large_initializers, point_at_external
from skip_search import CostModel, TeacherForced, search, speedup, split
from export import OPSET, B, S, P, T

HERE = os.path.dirname(os.path.abspath(__file__))
GRAPH = "model_skip.onnx"
DATA = "model.onnx_data"


class SkipDecoder(nn.Module):
    """Decoder with skipped sub-layers; past/present only for layers whose attention runs."""

    def __init__(self, m, skip_attn, skip_mlp):
        super().__init__()
        self.m, self.skip_attn, self.skip_mlp = m, set(skip_attn), set(skip_mlp)
        self.kept = [i for i in range(m.cfg.num_hidden_layers) if i not in self.skip_attn]

    def forward(self, input_ids, attention_mask, position_ids, *past):
        m = self.m
        add = mask_from_2d(attention_mask, input_ids.shape[1])
        cos, sin = rope(position_ids, m.cfg.head_dim, m.cfg.rope_theta)
        x = m.embed_tokens(input_ids)
        presents = []
        for i, layer in enumerate(m.layers):
            if i not in self.skip_attn:
                j = self.kept.index(i)
                a, k, v, _ = layer.self_attn(layer.input_layernorm(x), cos, sin, add, past[2 * j], past[2 * j + 1])
                x = x + a
                presents += [k, v]
            if i not in self.skip_mlp:
                x = x + layer.mlp(layer.post_attention_layernorm(x))
        return (m.lm_head(x), *presents)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_target(model_dir):
    """An LM with the weights of onnx/model.onnx (+ model.onnx_data); projections are found by their node names."""
    c = json.load(open(os.path.join(model_dir, "config.json")))
    cfg = Cfg(**{k: c[k] for k in Cfg.__dataclass_fields__ if k in c})
    m = LM(cfg)
    g = onnx.load(os.path.join(model_dir, "onnx", "model.onnx")).graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    state = {}
    for n in g.node:
        parts = n.name.split("/")  # /m/layers.{i}/{self_attn|mlp}/{proj}/MatMul
        if n.op_type == "MatMul" and len(parts) == 6 and parts[2].startswith("layers.") and n.input[1] in inits:
            state[f"{parts[2]}.{parts[3]}.{parts[4]}.weight"] = inits[n.input[1]].T  # MatMul holds W^T
    for k, v in inits.items():
        if k.startswith("m.") and k[2:] in m.state_dict():
            state[k[2:]] = v
    missing = [k for k in m.state_dict() if k not in state and not k.startswith(("medusa", "eagle"))]
    if missing:
        sys.exit(f"export_skip.py: model.onnx has no weights for {', '.join(missing)}")
    m.load_state_dict({k: torch.from_numpy(np.array(v, copy=True)) for k, v in state.items()}, strict=False)
    return m.eval()


def check_golden(m, model_dir):
    gold = json.load(open(os.path.join(model_dir, "golden", "golden.json")))
    case = gold["prefill"]
    ids = torch.tensor(case["input_ids"])
    o = m(ids, torch.tensor(case["position_ids"]), mask_from_2d(torch.tensor(case["attention_mask"]), ids.shape[1]))
    logits = m.lm_head(o["hidden"][-1])[0]
    top = case["logits"]["top10"]
    diff = max(abs(logits[t, i].item() - v) for t, (row_ids, row_vals) in enumerate(zip(top["ids"], top["values"]))
               for i, v in zip(row_ids, row_vals))
    if diff > gold["tolerance"]:
        sys.exit(f"export_skip.py: weights loaded from model.onnx do not reproduce golden.json (max diff {diff:.2e})")
    return diff


def export_graph(m, skip_attn, skip_mlp, path):
    dec = SkipDecoder(m, skip_attn, skip_mlp)
    c = m.cfg
    b, s, p = 2, 3, 4
    ids = torch.randint(0, c.vocab_size, (b, s))
    mask = torch.ones(b, p + s, dtype=torch.long)
    pos = torch.arange(p, p + s).unsqueeze(0).expand(b, s).contiguous()
    past, pin, pout, ax = [], [], [], {}
    for i in dec.kept:
        for kv in ("key", "value"):
            past.append(torch.randn(b, c.num_key_value_heads, p, c.head_dim) * 0.1)
            pin.append(f"past_key_values.{i}.{kv}")
            pout.append(f"present.{i}.{kv}")
            ax[pin[-1]], ax[pout[-1]] = {0: B, 2: P}, {0: B, 2: T}
    ax.update({"input_ids": {0: B, 1: S}, "attention_mask": {0: B, 1: T}, "position_ids": {0: B, 1: S}, "logits": {0: B, 1: S}})
    with torch.no_grad():
        torch.onnx.export(dec, (ids, mask, pos, *past), path, opset_version=OPSET,
                          input_names=["input_ids", "attention_mask", "position_ids"] + pin,
                          output_names=["logits"] + pout, dynamic_axes=ax, do_constant_folding=True)
    return dec


def data_index(onnx_dir):
    """(dtype, dims, sha1) -> (offset, length) of every tensor model.onnx keeps in model.onnx_data."""
    index = {}
    g = onnx.load(os.path.join(onnx_dir, "model.onnx"), load_external_data=False).graph
    with open(os.path.join(onnx_dir, DATA), "rb") as fh:
        for t in g.initializer:
            ext = {e.key: e.value for e in t.external_data}
            if t.data_location != TensorProto.EXTERNAL or ext.get("location") != DATA:
                continue
            off, n = int(ext["offset"]), int(ext["length"])
            fh.seek(off)
            index[(t.data_type, tuple(t.dims), hashlib.sha1(fh.read(n)).hexdigest())] = (off, n)
    return index


def link_to_shared_data(src, dst, index):
    """Re-point src's large initializers at model.onnx_data (by content); small ones stay inline."""
    m = onnx.load(src)
    for t, _, key in large_initializers(m):
        if key not in index:
            sys.exit(f"export_skip.py: initializer {t.name} {list(t.dims)} is not in {DATA}; the graph would need new weights")
        off, n = index[key]
        point_at_external(t, DATA, off, n)
    onnx.save(m, dst)


def windows(val_path, count, seq):
    ids = np.load(val_path)
    stride = (len(ids) - seq) // count
    return torch.tensor(np.stack([ids[i * stride:i * stride + seq] for i in range(count)]).astype(np.int64))


def node_check(model_dir, graph, *extra):
    r = subprocess.run(["node", os.path.join(HERE, "check_skip.mjs"), model_dir, graph, *extra], capture_output=True, text=True)
    print(f"  check_skip.mjs {graph}: {r.stdout.strip() or r.stderr.strip()}")
    if r.returncode != 0:
        sys.exit(f"export_skip.py: check_skip.mjs failed for {graph}")
    return json.loads(r.stdout)


def parse_set(s):
    return sorted({int(x) for x in s.split(",") if x.strip()}) if s else []


def expected_logits(dec, path):
    """Torch logits of the drafting graph for check_skip.mjs's tokens: a prefill, then one step on its presents."""
    ids, step_id = [5, 17, 300, 42, 7, 99, 1000, 3], 11
    s = len(ids)
    c = dec.m.cfg
    with torch.no_grad():
        empty = [torch.zeros(1, c.num_key_value_heads, 0, c.head_dim) for _ in range(2 * len(dec.kept))]
        pre = dec(torch.tensor([ids]), torch.ones(1, s, dtype=torch.long), torch.arange(s).unsqueeze(0), *empty)
        step = dec(torch.tensor([[step_id]]), torch.ones(1, s + 1, dtype=torch.long), torch.tensor([[s]]), *pre[1:])
    json.dump({"input_ids": ids, "step_id": step_id, "prefill_logits": pre[0].flatten().tolist(),
               "step_logits": step[0].flatten().tolist()}, open(path, "w"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("--val", default=os.path.join(HERE, "work", "ids_bpe.val.npy"))
    ap.add_argument("--skip-attn", default=None, help="comma-separated layers; with --skip-mlp, no search")
    ap.add_argument("--skip-mlp", default=None)
    ap.add_argument("--overhead", type=float, default=0.35,
                    help="share of a full decode step that does not shrink with skipped sub-layers")
    ap.add_argument("--max-gamma", type=int, default=8, help="Draft & Verify's max_step_draft")
    ap.add_argument("--windows", type=int, default=16)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-check", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    onnx_dir = os.path.join(a.model_dir, "onnx")
    frozen = {f: sha256(os.path.join(onnx_dir, f)) for f in ("model.onnx", DATA)}

    m = load_target(a.model_dir)
    print(f"weights from onnx/model.onnx; golden prefill top-10 max diff {check_golden(m, a.model_dir):.1e}")
    cost = CostModel(m.cfg, a.overhead, context=a.seq // 2)
    data = windows(a.val, a.windows, a.seq)
    half = a.windows // 2
    choose, report = TeacherForced(m, data[:half]), TeacherForced(m, data[half:])
    if choose.alpha(set(), set()) != 1.0:
        sys.exit("export_skip.py: the teacher-forced drafter with nothing skipped disagrees with the full model")
    if a.skip_attn is not None or a.skip_mlp is not None:
        skip_attn, skip_mlp = parse_set(a.skip_attn), parse_set(a.skip_mlp)
        search_info = {"method": "given on the command line"}
    else:
        print(f"search: {a.windows // 2} x {a.seq} held-out tokens to choose, the other {a.windows - half} windows to report")
        best, fig, path, evaluated = search(choose, cost, a.max_gamma)
        skip_attn, skip_mlp = split(best)
        search_info = {
            "method": "greedy elimination path over the 12 sub-layers (each round skips the sub-layer that keeps the best "
                      "objective), best set seen, then one-flip refinement (Draft & Verify itself uses Bayesian optimisation)",
            "objective": "expected speedup E[tokens/step] / (gamma*c + 1), best fixed gamma <= max_gamma; "
                         "alpha teacher-forced with the full model's KV as the draft's past",
            "sets_evaluated": evaluated,
            "search_tokens": int(choose.ids.numel()),
            "search_alpha": round(fig["alpha"], 4),
            "path": path,
        }
    r_alpha = report.alpha(set(skip_attn), set(skip_mlp))
    c = cost.cost(skip_attn, skip_mlp)
    s, g = speedup(r_alpha, c, a.max_gamma)
    print(f"chosen: skip attention {skip_attn}, MLP {skip_mlp}: held-out alpha {r_alpha:.3f}, cost {c:.3f}, "
          f"expected speedup {s:.3f} at gamma {g}")

    index = data_index(onnx_dir)
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "skip.onnx")
        dec = export_graph(m, skip_attn, skip_mlp, raw)
        link_to_shared_data(raw, os.path.join(onnx_dir, GRAPH), index)
        checks = {}
        if not a.no_check:
            expect = os.path.join(tmp, "expected.json")
            expected_logits(dec, expect)
            checks["skip_graph"] = node_check(a.model_dir, GRAPH, "--expect", expect)
            # the same export with nothing skipped must reproduce model.onnx (it has to sit next to model.onnx_data)
            none = ".skip_none_check.onnx"
            try:
                export_graph(m, [], [], raw)
                link_to_shared_data(raw, os.path.join(onnx_dir, none), index)
                checks["nothing_skipped"] = node_check(a.model_dir, none, "--reference", "model.onnx")
            finally:
                if os.path.exists(os.path.join(onnx_dir, none)):
                    os.remove(os.path.join(onnx_dir, none))
    for f, h in frozen.items():
        if sha256(os.path.join(onnx_dir, f)) != h:
            sys.exit(f"export_skip.py: {f} changed; it must not")

    L = m.cfg.num_hidden_layers
    entry = {
        "kind": "layer_skip",
        "layers": L,
        "mask": "int64 [batch, past+seq]",
        "skip_attention": skip_attn,
        "skip_mlp": skip_mlp,
        "kv_layers": [i for i in range(L) if i not in skip_attn],
        "draft_cost": round(c, 4),
        "heldout_alpha": round(r_alpha, 4),
        "heldout_tokens": int(report.ids.numel()),
        "expected_speedup": round(s, 4),
        "expected_best_gamma": g,
        "cost_model": cost.describe(),
        "search": search_info,
    }
    if checks:
        entry["checks"] = {
            "torch_vs_onnxruntime_max_abs_diff": checks["skip_graph"]["max_abs_diff_vs_torch"],
            "nothing_skipped_vs_model_onnx_max_abs_diff": checks["nothing_skipped"]["max_abs_diff_vs_reference"],
        }
    cfg_path = os.path.join(a.model_dir, "config.json")
    cfg = json.load(open(cfg_path))
    cfg["decodescope"]["onnx_variants"][GRAPH] = entry
    json.dump(cfg, open(cfg_path, "w"), indent=2)
    print(f"{os.path.getsize(os.path.join(onnx_dir, GRAPH)):>10} {os.path.join(onnx_dir, GRAPH)} (weights in {DATA}, unchanged)")


if __name__ == "__main__":
    main()
