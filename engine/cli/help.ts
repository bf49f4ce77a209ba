/** Help texts, one per command. Kept in one place so `decodescope --help` loads nothing heavy. */

export const MAIN_HELP = `decodescope — watch a language model decode, one token at a time

Usage: decodescope <command> [options]

Commands:
  run        decode a prompt with a method and write a trace
  methods    list the decoding methods
  models     list the bundled models and their capabilities
  validate   check a trace file against the format
  stats      summary statistics of a trace
  export     convert a trace to Perfetto, Hugging Face generate-style JSON, or a self-contained HTML replay
  serve      start the web UI on 127.0.0.1
  check-lossless  does a method change the output? compare it with plain greedy or sampling

Run 'decodescope <command> --help' for a command's options.
Exit codes: 0 success, 1 failure (invalid trace, run error; check-lossless: a difference found), 2 usage error.
`;

export const RUN_HELP = `Usage: decodescope run [options]

Decode a prompt and optionally write the trace. Without --do-sample every method runs its greedy form.

  --method NAME              decoding method (default: autoregressive, or beam_search with --num-beams > 1;
                             see 'decodescope methods')
  --prompt TEXT              the prompt (default: "def fibonacci(n):")
  --max-new-tokens N         tokens to generate (default: 32)
  --seed N                   RNG seed for sampling (default: 0)
  --model ID|PATH            target model: a bundled id or a model folder (default: target)
  --draft ID|PATH            draft model for speculative methods (default: draft)
  --do-sample                sample instead of taking the argmax
  --temperature T            > 0
  --top-k K                  integer >= 0 (0 = off)
  --top-p P                  in (0, 1]
  --min-p P                  in [0, 1]
  --typical-p P              in (0, 1]
  --repetition-penalty R     > 0 (1 = off)
  --num-beams N              integer >= 1 (beam search; with --do-sample, beam sampling)
  --length-penalty L         beam score = logprob / length^L
  --penalty-alpha A          in [0, 1] (contrastive search, with --top-k)
  --param KEY=VALUE          a method-specific knob; repeatable (e.g. --param gamma=4)
  --record-attentions        store attention maps in a binary sidecar next to --out
  --record-hidden-states     store hidden states in the sidecar
  --out FILE                 write the trace (JSON Lines; gzip when FILE ends in .gz)
  --json                     print a one-line JSON summary: text, tokenIds, newTokens,
                             targetForwardPasses, tau, acceptanceRate, wallMs, tokensPerSecond
  --progress                 show progress on stderr even when it is not a terminal
  -h, --help                 this help
`;

export const METHODS_HELP = `Usage: decodescope methods [--json]

List every decoding method: name, family, whether it is lossless, and the model capabilities it needs.
`;

export const MODELS_HELP = `Usage: decodescope models [--json]

List the bundled models (assets/models) with their capability manifests.
`;

export const VALIDATE_HELP = `Usage: decodescope validate FILE [--json]

Check a trace (.jsonl or .jsonl.gz). Exit 0 when valid; 1 with "line N: field: problem" messages when not
(a truncated trace — no footer — is reported and exits 1; its complete records are still readable).
`;

export const STATS_HELP = `Usage: decodescope stats FILE [--json]

Summary statistics of a trace: new tokens, target forward passes, tau (mean tokens per target pass),
acceptance rate, accept lengths, wall time, tokens/s, and record counts. Works on truncated traces.
`;

export const EXPORT_HELP = `Usage: decodescope export FILE --format perfetto|hf|html --out FILE
       decodescope export FILE --format html PAGE.html

  --format perfetto   Chrome/Perfetto trace-event JSON (open in ui.perfetto.dev or chrome://tracing)
  --format hf         Hugging Face generate-style JSON (sequences, scores, logits) for notebooks
  --format html       one self-contained page that replays the run in any browser, offline (needs the
                      built viewer: npm run build:renderer). A sidecar's tensors are not included.
  --out FILE          where to write ('-' for stdout)
`;

export const SERVE_HELP = `Usage: decodescope serve [--port N] [--open]

Serve the web UI and the engine on http://127.0.0.1 (loopback only); prints the address with its access token.

  --port N     port (default: any free port)
  --open       open the address in a browser
`;
