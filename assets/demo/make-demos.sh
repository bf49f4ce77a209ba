#!/usr/bin/env bash
# Regenerates the bundled demo traces from the real engine and the bundled models.
# The renderer compiles these into its bundle, so the app opens on one instantly with no engine.
# Usage: bash assets/demo/make-demos.sh   (from anywhere; takes a few seconds per trace)
set -euo pipefail
cd "$(dirname "$0")/../.."
cli="node engine/cli/decodescope.mjs run"
out=assets/demo
prompt='def fibonacci(n):'

$cli --method autoregressive --prompt "$prompt" --max-new-tokens 48 --out "$out/greedy.trace.jsonl"
$cli --method autoregressive --prompt "$prompt" --max-new-tokens 48 --do-sample --seed 7 \
  --temperature 0.8 --top-k 40 --top-p 0.92 --repetition-penalty 1.1 --out "$out/sampling.trace.jsonl"
$cli --method beam_search --prompt "$prompt" --max-new-tokens 24 --num-beams 3 --out "$out/beam.trace.jsonl"
$cli --method contrastive_search --prompt "$prompt" --max-new-tokens 32 --penalty-alpha 0.6 --top-k 4 \
  --out "$out/contrastive.trace.jsonl"
$cli --method speculative --prompt "$prompt" --max-new-tokens 48 --do-sample --seed 3 --temperature 0.9 \
  --out "$out/speculative.trace.jsonl"
$cli --method jacobi --prompt "$prompt" --max-new-tokens 32 --param block=8 --out "$out/jacobi.trace.jsonl"
# Tree speculative: SpecInfer's token tree from the bundled draft, greedy, so the walk down the tree is plain to follow.
$cli --method specinfer --prompt "$prompt" --max-new-tokens 16 --out "$out/specinfer.trace.jsonl"
# Lookahead: long enough for the pool to fill and for n-grams from it to be verified and accepted.
$cli --method lookahead --prompt "$prompt" --max-new-tokens 24 --out "$out/lookahead.trace.jsonl"
for f in "$out"/*.trace.jsonl; do node engine/cli/decodescope.mjs validate "$f"; done
