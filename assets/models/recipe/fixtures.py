"""Tiny random-weight ONNX fixtures for engine tests -> test/fixtures/models/<name>/ + index.json.

All use the plain-byte tokenizer (257 ids) and a 2-layer, width-32 Llama-style model (seed fixed).
usage: fixtures.py <out_root> <byte_tokenizer_dir>
"""
import json, os, shutil, sys
import numpy as np
import onnx
import torch
import torch.nn as nn
from model import Cfg, LM, mask_from_2d
from export import export_standard, export_instrumented, past_io, dummy, OPSET, B, S, P, T
from onnx_surgery import to_fp16_io, merge_decoders
from share_data import share_external_data

PROMPT = [1 + b for b in b"def f(x):"]  # byte ids


def tiny(kv=4, seed=0):
    torch.manual_seed(seed)
    m = LM(Cfg(vocab_size=257, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
               num_attention_heads=4, num_key_value_heads=kv, max_position_embeddings=256))
    with torch.no_grad():
        m.embed_tokens.weight.mul_(10)
        for p in m.layers.parameters():
            if p.dim() == 2:
                p.mul_(5)
    return m.eval()


class NoPositionIds(nn.Module):
    """GPT-2 era I/O: positions derived inside from the mask (cumsum - 1)."""
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, *past):
        s = input_ids.shape[1]
        pos = (torch.cumsum(attention_mask, -1) - 1).clamp(min=0)
        pos = pos[:, attention_mask.shape[1] - s:]
        pk = [(past[2 * i], past[2 * i + 1]) for i in range(len(past) // 2)]
        o = self.m(input_ids, pos, mask_from_2d(attention_mask, s), pk)
        out = [self.m.lm_head(o["hidden"][-1])]
        for k, v in o["presents"]:
            out += [k, v]
        return tuple(out)


class KeepLogits(nn.Module):
    """transformers.js-style num_logits_to_keep (int64 scalar): 0 = all positions, k > 0 = last k."""
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids, num_logits_to_keep, *past):
        s = input_ids.shape[1]
        pk = [(past[2 * i], past[2 * i + 1]) for i in range(len(past) // 2)]
        o = self.m(input_ids, position_ids, mask_from_2d(attention_mask, s), pk)
        h = o["hidden"][-1]
        idx = torch.arange(s)
        start = torch.where(num_logits_to_keep > 0, s - num_logits_to_keep, torch.zeros_like(num_logits_to_keep))
        idx = idx[idx >= start]
        out = [self.m.lm_head(h.index_select(1, idx))]
        for k, v in o["presents"]:
            out += [k, v]
        return tuple(out)


class NoPast(nn.Module):
    """Prefill-only decoder (for the else-branch of the merged decoder)."""
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids):
        o = self.m(input_ids, position_ids, mask_from_2d(attention_mask, input_ids.shape[1]))
        out = [self.m.lm_head(o["hidden"][-1])]
        for k, v in o["presents"]:
            out += [k, v]
        return tuple(out)


def export_custom(module, args, names_in, names_out, path, extra_axes=None):
    L = module.m.cfg.num_hidden_layers
    pin, pout, ax = past_io(L)
    ax.update({"input_ids": {0: B, 1: S}, "attention_mask": {0: B, 1: T}, "position_ids": {0: B, 1: S},
               "logits": {0: B, 1: S}})
    if extra_axes:
        ax.update(extra_axes)
    torch.onnx.export(module, args, path, opset_version=OPSET, input_names=names_in, output_names=names_out,
                      dynamic_axes={k: v for k, v in ax.items() if k in names_in + names_out},
                      do_constant_folding=True)


def write_side(m, d, tok_dir, with_config=True, extra=None):
    for f in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(os.path.join(tok_dir, f), os.path.join(d, f))
    if with_config:
        c = m.cfg
        cfg = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": c.hidden_size,
               "intermediate_size": c.intermediate_size, "num_hidden_layers": c.num_hidden_layers,
               "num_attention_heads": c.num_attention_heads, "num_key_value_heads": c.num_key_value_heads,
               "head_dim": c.head_dim, "vocab_size": c.vocab_size, "max_position_embeddings": c.max_position_embeddings,
               "rms_norm_eps": c.rms_norm_eps, "rope_theta": c.rope_theta, "tie_word_embeddings": True,
               "bos_token_id": 0, "eos_token_id": 0, "pad_token_id": 0, "use_cache": True, **(extra or {})}
        json.dump(cfg, open(os.path.join(d, "config.json"), "w"), indent=2)


def io_spec(path):
    m = onnx.load(path, load_external_data=False)
    init = {t.name for t in m.graph.initializer}

    def spec(vi):
        tt = vi.type.tensor_type
        return {"name": vi.name, "dtype": onnx.TensorProto.DataType.Name(tt.elem_type).lower(),
                "shape": [d.dim_param or d.dim_value for d in tt.shape.dim]}
    return {"inputs": [spec(v) for v in m.graph.input if v.name not in init],
            "outputs": [spec(v) for v in m.graph.output]}


@torch.no_grad()
def expected(m):
    """torch reference: prefill of PROMPT, logits of the last position (first 8 values) and argmax."""
    ids = torch.tensor([PROMPT])
    s = ids.shape[1]
    o = m(ids, torch.arange(s).unsqueeze(0), mask_from_2d(torch.ones(1, s, dtype=torch.long), s))
    lg = m.lm_head(o["hidden"][-1])[0, -1]
    return {"input_ids": PROMPT, "last_logits_first8": [round(float(x), 6) for x in lg[:8]],
            "last_argmax": int(lg.argmax())}


def main(root, tok_dir):
    if os.path.isdir(root):
        shutil.rmtree(root)
    index = {}

    def new(name, desc, m, files, notes=None, config=True, extra_cfg=None, check=True):
        d = os.path.join(root, name)
        os.makedirs(os.path.join(d, "onnx"), exist_ok=True)
        write_side(m, d, tok_dir, config, extra_cfg)
        return d

    def finish(name, d, desc, main_file, m, notes=None, check=True):
        ent = {"description": desc, "file": f"onnx/{main_file}", "has_config": os.path.exists(os.path.join(d, "config.json")),
               "files": sorted(os.path.relpath(os.path.join(a, f), d) for a, _, fs in os.walk(d) for f in fs),
               **io_spec(os.path.join(d, "onnx", main_file))}
        if notes:
            ent["notes"] = notes
        if check:
            ent["expected"] = expected(m)
        index[name] = ent
        with open(os.path.join(d, "README.md"), "w") as fh:
            fh.write(f"# {name}\n\n{desc}\n\nTiny random weights (2 layers, width 32, byte vocabulary 257) made by "
                     f"`assets/models/recipe/fixtures.py`; not a trained model. Expected I/O: see `../index.json`.\n")
            if notes:
                fh.write(f"\n{notes}\n")

    with torch.no_grad():
        m = tiny()
        d = new("tiny-llama", "", m, [])
        export_standard(m, os.path.join(d, "onnx", "model.onnx"))
        finish("tiny-llama", d, "Standard Optimum-style decoder: position_ids, past_key_values in, present out, fp32, weights inside the .onnx.", "model.onnx", m)

        d = new("tiny-llama-instrumented", "", m, [])
        export_instrumented(m, os.path.join(d, "onnx", "model_instrumented.onnx"))
        finish("tiny-llama-instrumented", d, "Instrumented decoder: 4-D float 0/1 attention_mask [b,1,s,p+s]; extra outputs attentions.{i}, hidden_states.{0..L}, exit_logits.1.", "model_instrumented.onnx", m)

        d = new("tiny-llama-external-data", "", m, [])
        export_standard(m, os.path.join(d, "onnx", "model.onnx"))
        share_external_data([os.path.join(d, "onnx", "model.onnx")], os.path.join(d, "onnx", "model.onnx_data"))
        finish("tiny-llama-external-data", d, "Standard decoder with weights in onnx/model.onnx_data (Optimum naming).", "model.onnx", m)

        d = new("tiny-llama-external-data-dotdata", "", m, [])
        export_standard(m, os.path.join(d, "onnx", "model.onnx"))
        share_external_data([os.path.join(d, "onnx", "model.onnx")], os.path.join(d, "onnx", "model.onnx.data"))
        finish("tiny-llama-external-data-dotdata", d, "Standard decoder with weights in onnx/model.onnx.data (torch.onnx / onnx.save naming).", "model.onnx", m)

        d = new("tiny-llama-fp16", "", m, [])
        p = os.path.join(d, "onnx", "model_fp16.onnx")
        export_standard(m, p)
        L = m.cfg.num_hidden_layers
        pin, pout, _ = past_io(L)
        onnx.save(to_fp16_io(onnx.load(p), set(pin + pout + ["logits"])), p)
        finish("tiny-llama-fp16", d, "fp16 export (transformers.js suffix _fp16): weights stored fp16, past_key_values/present/logits are float16; position_ids/attention_mask stay int64.",
               "model_fp16.onnx", m, "Compute runs in fp32 inside (Cast after loading), so compare with a tolerance of ~1e-2.")

        d = new("tiny-gpt2-style-no-position-ids", "", m, [])
        pin, pout, _ = past_io(L)
        ids, mask, pos, past = dummy(m, L, False)
        export_custom(NoPositionIds(m), (ids, mask, *past), ["input_ids", "attention_mask"] + pin, ["logits"] + pout,
                      os.path.join(d, "onnx", "model.onnx"))
        finish("tiny-gpt2-style-no-position-ids", d, "Older GPT-2-style I/O: no position_ids input; positions are cumsum(attention_mask)-1 computed inside.", "model.onnx", m)

        d = new("tiny-llama-logits-to-keep", "", m, [])
        k = torch.tensor(2, dtype=torch.long)
        export_custom(KeepLogits(m), (ids, mask, pos, k, *past), ["input_ids", "attention_mask", "position_ids",
                      "num_logits_to_keep"] + pin, ["logits"] + pout, os.path.join(d, "onnx", "model.onnx"),
                      {"logits": {0: B, 1: "num_logits"}})
        finish("tiny-llama-logits-to-keep", d, "Adds num_logits_to_keep (int64 scalar, shape []): 0 = logits for every position, k > 0 = only the last k positions.", "model.onnx", m)

        d = new("tiny-llama-merged", "", m, [])
        p1, p2 = os.path.join(d, "wp.onnx"), os.path.join(d, "np.onnx")
        export_standard(m, p1)
        export_custom(NoPast(m), (ids, mask[:, :ids.shape[1]].contiguous(), pos), ["input_ids", "attention_mask", "position_ids"],
                      ["logits"] + pout, p2, {o: {0: B, 2: S} for o in pout})
        merged = merge_decoders(onnx.load(p1), onnx.load(p2))
        onnx.checker.check_model(merged)
        onnx.save(merged, os.path.join(d, "onnx", "decoder_model_merged.onnx"))
        os.remove(p1)
        os.remove(p2)
        finish("tiny-llama-merged", d, "Optimum merged decoder: extra input use_cache_branch bool[1]; one If node (then = with-past graph, else = no-past graph). Past tensors must be fed in both cases (zero-length when use_cache_branch is false).",
               "decoder_model_merged.onnx", m)

        g = tiny(kv=2, seed=1)
        d = new("tiny-llama-gqa", "", g, [])
        export_standard(g, os.path.join(d, "onnx", "model.onnx"))
        finish("tiny-llama-gqa", d, "Grouped-query attention: 4 query heads, 2 key/value heads (past/present have 2 heads).", "model.onnx", g)

        d = new("tiny-llama-no-config", "", m, [], config=False)
        export_standard(m, os.path.join(d, "onnx", "model.onnx"))
        finish("tiny-llama-no-config", d, "Same as tiny-llama but the folder has no config.json: the engine must infer layers/heads from the ONNX inputs or refuse clearly.", "model.onnx", m)

    json.dump({"generated_by": "assets/models/recipe/fixtures.py", "tokenizer": "plain bytes: id 0 = <|endoftext|>, ids 1..256 = bytes 0..255",
               "expected_note": "expected.* = torch fp32 prefill of input_ids with empty past, position_ids 0..n-1, all-ones mask; max abs diff <= 1e-4 (fp16: 1e-2)",
               "fixtures": index}, open(os.path.join(root, "index.json"), "w"), indent=1)
    with open(os.path.join(root, "README.md"), "w") as fh:
        fh.write("# ONNX test fixtures (generated)\n\nMade by `assets/models/recipe/fixtures.py` (tiny random weights, byte "
                 "vocabulary of 257 ids, 2 layers, width 32, 4 heads x 8). `index.json` lists every fixture's file, "
                 "inputs/outputs (name, dtype, symbolic shape) and a torch reference (`expected`: last-position logits "
                 "of a prefill). `assets/models/recipe/check_fixtures.mjs` checks them with onnxruntime-node (prefill "
                 "and one decode step with past).\n\n| fixture | what it is |\n|---|---|\n")
        for k, v in index.items():
            fh.write(f"| `{k}/{v['file']}` | {v['description']} |\n")
    print("fixtures:", ", ".join(index))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
