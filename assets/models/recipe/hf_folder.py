"""Write the Hugging Face side files of a model folder: config.json, generation_config.json, tokenizer.

usage: hf_folder.py <ckpt.pt> <model_dir> <tok_dir> <role> [--exit E]
role: target | draft | draft-bytes.  The "decodescope" key describes the ONNX variants in onnx/.
"""
import argparse, json, os, shutil
import torch


def variants(cfg, role, exit_layer):
    L = cfg["num_hidden_layers"]
    v = {"model.onnx": {"kind": "standard", "layers": L, "mask": "int64 [batch, past+seq]"},
         "model_instrumented.onnx": {"kind": "instrumented", "layers": L, "mask": "float32 [batch,1,seq,past+seq] 0/1",
                                     "extra_outputs": [f"attentions.0..{L - 1}", f"hidden_states.0..{L}",
                                                       f"exit_logits.1..{L - 1}"]
                                     + (["medusa_logits"] if cfg.get("medusa_heads") else [])}}
    if exit_layer:
        v[f"model_exit{exit_layer}.onnx"] = {"kind": "early_exit", "layers": exit_layer,
                                             "mask": "int64 [batch, past+seq]"}
    if cfg.get("eagle"):
        v["eagle.onnx"] = {"kind": "eagle_head", "layers": 1, "mask": "float32 [batch,1,seq,past+seq] 0/1"}
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("model_dir")
    ap.add_argument("tok_dir")
    ap.add_argument("role")
    ap.add_argument("--exit", type=int, default=0)
    a = ap.parse_args()
    ck = torch.load(a.ckpt, map_location="cpu")
    c = ck["cfg"]
    os.makedirs(a.model_dir, exist_ok=True)
    for f in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(os.path.join(a.tok_dir, f), os.path.join(a.model_dir, f))
    ds = {"role": a.role, "head_dim": c["hidden_size"] // c["num_attention_heads"],
          "onnx_variants": variants(c, a.role, a.exit), "external_data": "onnx/model.onnx_data (shared by all variants)",
          "training": {k: v for k, v in ck.get("extra", {}).items() if k != "log"}}
    if a.exit:
        ds["early_exit_layer"] = a.exit
    if c.get("medusa_heads"):
        ds["medusa"] = {"num_heads": c["medusa_heads"], "output": "medusa_logits [batch, seq, heads, vocab]",
                        "meaning": "head k (0-based) at position t predicts token t+k+2 (the base logits predict t+1)",
                        "architecture": "ResBlock x + SiLU(Wx+b) on the last hidden state, then final norm + tied LM head"}
    if c.get("eagle"):
        ds["eagle"] = {"file": "onnx/eagle.onnx", "feature": "hidden_states.L (last layer, before the final norm)",
                       "architecture": "fc(concat(embed(x_{t+1}), f_t)) -> one Llama decoder layer -> f_{t+1}; logits by the target's final norm + LM head"}
    cfg = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu",
           "hidden_size": c["hidden_size"], "intermediate_size": c["intermediate_size"],
           "num_hidden_layers": c["num_hidden_layers"], "num_attention_heads": c["num_attention_heads"],
           "num_key_value_heads": c["num_key_value_heads"], "head_dim": ds["head_dim"],
           "vocab_size": c["vocab_size"], "max_position_embeddings": c["max_position_embeddings"],
           "rms_norm_eps": c["rms_norm_eps"], "rope_theta": c["rope_theta"], "rope_scaling": None,
           "attention_bias": False, "mlp_bias": False, "tie_word_embeddings": True,
           "bos_token_id": 0, "eos_token_id": 0, "pad_token_id": 0, "torch_dtype": "float32",
           "use_cache": True, "initializer_range": 0.02,
           "transformers.js_config": {"use_external_data_format": {"model.onnx": 1}},
           "decodescope": ds}
    json.dump(cfg, open(os.path.join(a.model_dir, "config.json"), "w"), indent=2)
    gen = {"bos_token_id": 0, "eos_token_id": 0, "pad_token_id": 0, "do_sample": False, "max_new_tokens": 128}
    json.dump(gen, open(os.path.join(a.model_dir, "generation_config.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
