#!/usr/bin/env bash
# Rebuild every bundled model from scratch: corpus -> tokenizers -> training -> heads -> ONNX -> checks -> cards.
# usage: bash assets/models/recipe/build.sh      (env: TARGET_MIN TARGET_JOINT_MIN TARGET_MORE_MIN DRAFT_MIN BYTES_MIN HEADS_MIN SEQKD_MIN)
# Long: about 4 h on 2 cores with the defaults (see assets/models/README.md). CI must not run it.
# Budgets are wall-clock minutes: on a busy machine every stage sees fewer tokens (the logs say how many).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
MODELS="$REPO/assets/models"
PY=/usr/bin/python3
TARGET_MIN=${TARGET_MIN:-45}; TARGET_JOINT_MIN=${TARGET_JOINT_MIN:-22}; TARGET_MORE_MIN=${TARGET_MORE_MIN:-65}
DRAFT_MIN=${DRAFT_MIN:-30}; BYTES_MIN=${BYTES_MIN:-15}; HEADS_MIN=${HEADS_MIN:-25}; SEQKD_MIN=${SEQKD_MIN:-25}
export OMP_WAIT_POLICY=PASSIVE
cd "$HERE"
mkdir -p work

need() { echo "build.sh: $1" >&2; exit 1; }
[ -x "$PY" ] || need "/usr/bin/python3 not found (Debian: apt-get install -y python3)"
"$PY" -c 'import sys; assert sys.version_info >= (3, 9)' || need "Python >= 3.9 required at /usr/bin/python3"
"$PY" -c 'import torch' 2>/dev/null || need "PyTorch missing for /usr/bin/python3 (Debian: apt-get install -y python3-torch libopenblas0-openmp)"
"$PY" -c 'import torch; v=tuple(int(x) for x in torch.__version__.split(".")[:2]); assert v >= (1, 13)' || need "PyTorch >= 1.13 required"
"$PY" -c 'import onnx' 2>/dev/null || need "onnx missing (Debian: apt-get install -y python3-onnx)"
"$PY" -c 'import regex, numpy' 2>/dev/null || need "python3-regex / numpy missing (Debian: apt-get install -y python3-regex python3-numpy)"
ls /usr/lib/x86_64-linux-gnu/openblas-openmp* >/dev/null 2>&1 || echo "build.sh: warning: libopenblas0-openmp not found; training will be ~40x slower" >&2
command -v node >/dev/null || need "node (>= 20) not found"
[ -d "$REPO/node_modules/onnxruntime-node" ] || need "run 'npm ci' in $REPO first (onnxruntime-node, @huggingface/tokenizers)"
T0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - T0 ))s] $*"; }
# FROM=<stage> resumes at a stage (work/ must hold the earlier results):
#   corpus tokenizers target drafts target_more heads seqkd measure export skip checks cards
STAGES=(corpus tokenizers target drafts target_more heads seqkd measure export skip checks cards)
FROM=${FROM:-corpus}
want() { local s go=0; for s in "${STAGES[@]}"; do [ "$s" = "$FROM" ] && go=1; [ "$s" = "$1" ] && return $((1 - go)); done; return 1; }

if want corpus; then stamp corpus; $PY corpus.py work/corpus; fi
if want tokenizers; then
stamp tokenizers; $PY bpe.py train work/corpus work/tok_bpe 4096; $PY bpe.py bytes work/tok_bytes
$PY bpe.py encode work/tok_bpe work/corpus work/ids_bpe; $PY bpe.py encode work/tok_bytes work/corpus work/ids_bytes
for t in tok_bpe tok_bytes; do
  $PY -c "import json,sys; from bpe import Encoder; t=open('work/corpus/val.txt').read().split('<|endoftext|>')[3][:20000]; json.dump({'text':t,'ids':Encoder('work/$t').encode(t)},open('work/$t/expected.json','w'))"
  (cd "$REPO" && node "$HERE/check_tokenizer.mjs" "$HERE/work/$t" "$HERE/work/corpus/val.txt" "$HERE/work/$t/expected.json")
done
fi

if want target; then
stamp "train target ($TARGET_MIN min)"
$PY train.py --cfg cfg_target.json --data work/ids_bpe --out work/target.pt --minutes "$TARGET_MIN" --threads 2 --lr 3e-3 --exit-scale 0.1 > work/target.log 2>&1
fi
if want drafts; then
stamp "train draft ($DRAFT_MIN min) and byte draft ($BYTES_MIN min)"
$PY train.py --cfg cfg_draft.json --data work/ids_bpe --out work/draft.pt --minutes "$DRAFT_MIN" --threads 2 --exit-scale 0 --lr 3e-3 > work/draft.log 2>&1
$PY train.py --cfg cfg_draft_bytes.json --data work/ids_bytes --out work/draft_bytes.pt --minutes "$BYTES_MIN" --threads 2 --exit-scale 0 --lr 3e-3 --seq 512 > work/draft_bytes.log 2>&1
fi
if want target_more; then
# The target keeps training (LM + early-exit loss) in two more phases: first jointly with provisional heads
# (their weights are dropped), then alone from that checkpoint with a fresh cosine schedule at a lower peak LR.
stamp "target: joint phase ($TARGET_JOINT_MIN min) and continued training ($TARGET_MORE_MIN min)"
$PY train_heads.py --target work/target.pt --out work/target_joint.pt --draft work/draft.pt --draft-out work/draft_joint.pt --minutes "$TARGET_JOINT_MIN" --train-target-lr 1e-3 > work/target_joint.log 2>&1
$PY train.py --cfg cfg_target.json --data work/ids_bpe --out work/target_more.pt --minutes "$TARGET_MORE_MIN" --threads 2 --lr 1e-3 --exit-scale 0.1 --init work/target_joint.pt --ckpt-minutes 4 > work/target_more.log 2>&1
fi
if want heads || want seqkd; then
# Two independent students of the frozen target, trained side by side on one core each:
#   heads: Medusa + EAGLE heads inside the target checkpoint; seqkd: the draft, distilled on the target's own
#   continuations (plus corpus windows), which is what draft-target agreement along the target's output rewards.
stamp "heads on the frozen target ($HEADS_MIN min) || draft sequence distillation ($SEQKD_MIN min)"
want heads && { $PY train_heads.py --target work/target_more.pt --out work/target_full.pt --minutes "$HEADS_MIN" --threads 1 > work/heads.log 2>&1 & }
want seqkd && { $PY distill_draft.py --target work/target_more.pt --draft work/draft_joint.pt --out work/draft_seqkd.pt --minutes "$SEQKD_MIN" --threads 1 > work/seqkd.log 2>&1 & }
wait
fi
if want measure; then
stamp measure
$PY measure.py --target work/target_full.pt --draft work/draft_seqkd.pt --draft-bytes work/draft_bytes.pt --out work/metrics.json > work/measure.log
fi
E=$($PY -c "import json; print(json.load(open('work/metrics.json'))['chosen_exit_layer'])")
if want export; then
stamp "export (early exit E=$E)"
$PY export.py work/target_full.pt "$MODELS/target" --exit "$E"
$PY export.py work/draft_seqkd.pt "$MODELS/draft"
$PY export.py work/draft_bytes.pt "$MODELS/draft-bytes"
$PY hf_folder.py work/target_full.pt "$MODELS/target" work/tok_bpe target --exit "$E"
$PY hf_folder.py work/draft_seqkd.pt "$MODELS/draft" work/tok_bpe draft
$PY hf_folder.py work/draft_bytes.pt "$MODELS/draft-bytes" work/tok_bytes draft-bytes
for m in target:target_full:tok_bpe draft:draft_seqkd:tok_bpe draft-bytes:draft_bytes:tok_bytes; do
  IFS=: read -r name ck tok <<< "$m"
  mkdir -p "$MODELS/$name/golden"
  $PY golden.py "work/$ck.pt" "work/$tok" "$MODELS/$name/golden/golden.json"
done
if [ "${SKIP_FIXTURES:-0}" != 1 ]; then stamp fixtures; $PY fixtures.py "$REPO/test/fixtures/models" work/tok_bytes; fi
fi

if want skip; then
# Draft & Verify drafting graph: searched skip sets, weights shared with model.onnx_data by offset (export.py
# clears onnx/, so this runs after it); checks itself in onnxruntime-node (check_skip.mjs).
stamp "layer-skip drafting graph (Draft & Verify)"
$PY export_skip.py "$MODELS/target" --val work/ids_bpe.val.npy > work/skip.log
fi

if want checks; then
stamp "ONNX checks"
cd "$REPO"
for name in target draft draft-bytes; do
  node "$HERE/check_onnx.mjs" "$MODELS/$name" > "$HERE/work/check_onnx_$name.json"
  node "$HERE/check_golden.mjs" "$MODELS/$name" > "$HERE/work/check_golden_$name.json"
done
[ "${SKIP_FIXTURES:-0}" = 1 ] || node "$HERE/check_fixtures.mjs" test/fixtures/models
node "$HERE/spec_bench.mjs" "$MODELS/target" "$MODELS/draft/onnx/model.onnx" 4 64 > "$HERE/work/spec_draft.json"
node "$HERE/spec_bench.mjs" "$MODELS/target" "$MODELS/target/onnx/model_exit$E.onnx" 4 64 > "$HERE/work/spec_exit.json"
node "$HERE/check_transformersjs.mjs" "$MODELS" target 24 > "$HERE/work/transformersjs.json" || echo '{"loaded":false}' > "$HERE/work/transformersjs.json"
cd "$HERE"
fi
stamp "model cards"
$PY card.py "$MODELS" work
stamp "done in $(( $(date +%s) - T0 )) s"
