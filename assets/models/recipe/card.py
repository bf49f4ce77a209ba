"""Write the model cards (README.md) of target/, draft/ and draft-bytes/ from the recorded measurements.

usage: card.py <models_dir> <work_dir>
Reads work/{metrics.json, spec_draft.json, spec_exit.json, transformersjs.json, corpus/manifest.json} and each
model's config.json (training facts under decodescope.training).
"""
import json, os, sys


def jl(p, default=None):
    try:
        return json.load(open(p))
    except (OSError, ValueError):
        return default


def size_of(d):
    return sum(os.path.getsize(os.path.join(a, f)) for a, _, fs in os.walk(d) for f in fs)


def fmt_mb(n):
    return f"{n / 1e6:.1f} MB"


def card(models, work, name, title, role_text, metrics_key):
    d = os.path.join(models, name)
    cfg = jl(os.path.join(d, "config.json"))
    tr = cfg["decodescope"]["training"]
    man = jl(os.path.join(work, "corpus", "manifest.json"), {})
    met = jl(os.path.join(work, "metrics.json"), {})
    m = met.get(metrics_key, {})
    lines = [f"# Decodescope bundled model: {name}", "", title, "", role_text, "",
             "## Architecture", "",
             f"Llama-style decoder: {cfg['num_hidden_layers']} layers, hidden {cfg['hidden_size']}, "
             f"{cfg['num_attention_heads']} heads x {cfg['head_dim']} (KV heads {cfg['num_key_value_heads']}), SwiGLU "
             f"intermediate {cfg['intermediate_size']}, RMSNorm eps {cfg['rms_norm_eps']}, RoPE theta {cfg['rope_theta']}, "
             f"tied embeddings, vocab {cfg['vocab_size']}, context {cfg['max_position_embeddings']}. "
             f"Parameters: {tr.get('params', 0):,} (base model).", ""]
    if "medusa" in cfg["decodescope"]:
        lines += [f"Extra heads (trained on the frozen, finished target): {cfg['decodescope']['medusa']['num_heads']} Medusa heads "
                  f"({cfg['decodescope']['medusa']['architecture']}), and an EAGLE-1 style head "
                  f"({cfg['decodescope']['eagle']['architecture']}).", ""]
    lines += ["## Training data", "",
              f"Python 3.11 standard library sources from `{man.get('source', '/usr/lib/python3.11')}` "
              f"({man.get('package', 'Debian libpython3.11-stdlib')}), licence {man.get('licence', 'PSF-2.0')}. "
              f"Left out: directories {', '.join(man.get('skip_dirs', []))}; files {', '.join(man.get('skip_files', []))}; "
              f"files over {man.get('max_file_bytes', 0)} bytes. {len(man.get('files', []))} files, "
              f"{man.get('train_bytes', 0):,} bytes train / {man.get('val_bytes', 0):,} bytes held out "
              "(whole files, chosen by a hash of the path). Files are joined with `<|endoftext|>`.", "",
              "## Training", "",
              f"From scratch on CPU ({tr.get('threads', 2)} thread{'s' if tr.get('threads', 2) != 1 else ''}, shared 2-core machine), AdamW (betas 0.9/0.95, "
              f"wd 0.1), peak lr {tr.get('lr')}, cosine over a wall-clock budget, batch {tr.get('batch')}, "
              f"{tr.get('train_seconds', 0) / 60:.0f} min and {tr.get('tokens_seen', 0):,} tokens of language-model training (first run: {tr.get('step')} optimizer steps)."]
    if tr.get("exit_scale"):
        lines += [f"LayerSkip-style early-exit loss: every intermediate layer i also predicts the next token through the "
                  f"shared final norm + LM head, weight {tr['exit_scale']} x i / L, on 1/8 of the positions."]
    if tr.get("continued_training"):
        h = tr["continued_training"]
        lines += [f"Next, a joint phase of {h['seconds'] / 60:.0f} min ({h['tokens_seen']:,} tokens, fresh AdamW, peak lr {h['peak_lr']}, "
                  "cosine) continued the target's own training (LM + early-exit loss) in the same process as provisional heads "
                  "(their weights were dropped) and a first distillation of the draft."]
    if tr.get("continuation"):
        h = tr["continuation"]
        lines += [f"Then the target trained on alone from that checkpoint for {h['seconds'] / 60:.0f} min ({h['tokens_seen']:,} tokens, "
                  f"fresh AdamW, peak lr {h['peak_lr']}, cosine; the checkpoint with the best held-out loss was kept)."]
    if tr.get("heads_training"):
        h = tr["heads_training"]
        lines += [f"Last, Medusa + EAGLE heads on the frozen target: {h['seconds'] / 60:.0f} min, {h['tokens_seen']:,} tokens."]
    if tr.get("distillation"):
        h = tr["distillation"]
        lines += [f"Then distilled from the target ({h['seconds'] / 60:.0f} min, {h['tokens_seen']:,} tokens; soft "
                  "cross-entropy to the target's next-token distribution + 0.2 x ordinary cross-entropy)."]
    if tr.get("sequence_distillation"):
        h = tr["sequence_distillation"]
        lines += [f"Then distilled on the target's own continuations ({h['seconds'] / 60:.0f} min: {h['continuations']:,} "
                  f"continuations of {h['new_tokens_each']} tokens, half greedy and half sampled at T = 0.8, from corpus prefixes; "
                  "soft cross-entropy to the target's distribution at every continuation position, alternating with corpus windows)."]
    lines += ["", "## Held-out results", ""]
    if m:
        lines += [f"- held-out loss: {m['loss']:.3f} nats/token ({m.get('nats_per_byte', 0):.3f} nats/byte) on {m['tokens']:,} tokens"
                  + (f" (draft: {met['draft']['loss']:.3f}; byte draft: {met['draft_bytes']['nats_per_byte']:.3f} nats/byte)" if name == "target" and "draft_bytes" in met else "")]
        if "exit_top1_agreement_with_final" in m:
            lines += ["- early exit, top-1 agreement with the full model per exit layer (teacher-forced held-out text): "
                      + ", ".join(f"layer {k}: {v:.1%}" for k, v in m["exit_top1_agreement_with_final"].items())]
        if "medusa_top1" in m:
            lines += ["- Medusa heads, top-1 / top-5 accuracy against the real token t+k+2: "
                      + ", ".join(f"head {k}: {a:.1%} / {b:.1%}" for k, (a, b) in enumerate(zip(m["medusa_top1"], m["medusa_top5"])))]
        if "eagle_top1_acceptance" in m:
            lines += [f"- EAGLE head, one-step acceptance (its argmax equals the target's greedy token, real features): {m['eagle_top1_acceptance']:.1%}"]
    ga = met.get("greedy_agreement_along_target_output", {})
    if name == "draft" and ga:
        lines += [f"- greedy agreement with the target along the target's own greedy output: {ga['draft']:.1%} "
                  f"({met.get('greedy_agreement_setup', '')})"]
    if name == "target" and ga:
        lines += ["- early-exit greedy agreement along the target's own output: "
                  + ", ".join(f"{k}: {v:.1%}" for k, v in ga.items() if k.startswith("exit"))
                  + f"; chosen exit layer E = {met.get('chosen_exit_layer')} (onnx/model_exit{met.get('chosen_exit_layer')}.onnx)"]
    for key, label in (("spec_draft", "draft model"), ("spec_exit", "early exit")):
        sb = jl(os.path.join(work, key + ".json"))
        if sb and name in ("target", "draft"):
            lines += [f"- greedy speculative decoding with the {label} (onnxruntime-node, CPU, k = {sb['k']}, "
                      f"{sb['prompts']} code prompts x {sb['new_tokens']} tokens): {sb['tokens_per_target_pass']} tokens per "
                      f"target pass, draft acceptance {sb['draft_acceptance']:.1%}, output identical to greedy {sb['identical_to_greedy']}, "
                      f"{sb['greedy_ms_per_token']} ms/token greedy vs {sb['speculative_ms_per_token']} ms/token speculative "
                      f"({sb['speedup']}x)"]
    skip = cfg["decodescope"]["onnx_variants"].get("model_skip.onnx")
    if skip:
        lines += [f"- Draft & Verify layer skipping (onnx/model_skip.onnx, export_skip.py): skips attention sub-layers "
                  f"{skip['skip_attention']} and MLP sub-layers {skip['skip_mlp']} (KV of layers {skip['kv_layers']} comes "
                  f"from the verified cache); held-out top-1 agreement with the full model {skip['heldout_alpha']:.1%} "
                  f"({skip['heldout_tokens']} tokens, teacher-forced on the full model's KV), modelled draft cost "
                  f"{skip['draft_cost']:.2f} of a full step, expected speedup {skip['expected_speedup']:.2f}x at gamma "
                  f"{skip['expected_best_gamma']}; search: {skip['search'].get('method', '')}, "
                  f"{skip['search'].get('sets_evaluated', 0)} sets evaluated"
                  + (f". The set found is the early exit after layer {skip['kv_layers'][-1] + 1} (whole layers from there on skipped): "
                     "on this target, trained with an early-exit loss, no interior skip pattern scored higher"
                     if skip["skip_attention"] == skip["skip_mlp"] == list(range(skip["kv_layers"][-1] + 1, cfg["num_hidden_layers"]))
                     and skip["kv_layers"] == list(range(skip["kv_layers"][-1] + 1)) else "")]
    smp = met.get("samples", {})
    if smp and name in ("target", "draft"):
        lines += ["", "## Greedy samples", ""]
        for pr, v in smp.items():
            lines += [f"Prompt `{pr!r}`:", "", "```python", pr + v[name], "```", ""]
    tj = jl(os.path.join(work, "transformersjs.json"))
    if name == "target" and tj:
        lines += ["", f"transformers.js (`@huggingface/transformers`, offline, dtype fp32): loads and generates: {tj.get('loaded')}."]
    lines += ["", "## Files", "",
              "See `../README.md` for the exact ONNX inputs/outputs. Variants in `onnx/`: "
              + ", ".join(f"`{k}`" for k in cfg["decodescope"]["onnx_variants"])
              + "; all share the weights file `onnx/model.onnx_data`. `golden/golden.json` holds torch reference outputs.",
              f"Size on disk: {fmt_mb(size_of(d))}.", "",
              "## Licence", "",
              "Weights: trained from PSF-2.0 licensed source text (Python standard library); released with Decodescope "
              "(MIT). The training text's licence: Python Software Foundation License Version 2. "
              "Made for demonstrations of decoding algorithms; it is not a useful code model.", ""]
    open(os.path.join(d, "README.md"), "w").write("\n".join(lines))


def main(models, work):
    card(models, work, "target", "Target model for speculative-decoding demos (byte-level BPE, 4096 tokens).",
         "Also used for self-speculative (early-exit) drafting, Medusa and EAGLE drafting.", "target")
    card(models, work, "draft", "Small draft model with the target's tokenizer.",
         "Proposes tokens for the target in draft-model speculative decoding.", "draft")
    card(models, work, "draft-bytes", "Small draft model over plain bytes (257 ids).",
         "Heterogeneous-vocabulary speculative decoding: its tokens are bytes, the target's are BPE tokens.", "draft_bytes")
    print("cards written")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
