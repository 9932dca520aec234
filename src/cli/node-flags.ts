/**
 * Node/V8 flags for a `lockmesh node` process (issue 10), measured on Node 20,
 * 2 cores, 3 idle nodes on 127.0.0.1 (docs/performance-results-2026-12-06.md):
 *
 * - `--max-semi-space-size=2`: a young generation of 2 × 2 MiB instead of
 *   up to 2 × 16 MiB. A node allocates little and briefly (frames, timers),
 *   so its scavenges stay short; the profile script's hot key did not slow down.
 * - `--v8-pool-size=1`: one V8 platform worker thread instead of four: a
 *   node has one event loop and little to compile or mark concurrently.
 *
 * With both, idle nodes measured 73–78 MiB RSS (VmRSS, ~44 MiB of it the
 * node binary's shared pages); without them 90–94 MiB.
 *
 * The `lockmesh` bin applies them to `lockmesh node` by itself: its first
 * lines are a sh header (comments to Node) that execs `node <these flags>`
 * on the script — the same process, no second one. In-process
 * `v8.setFlagsFromString('--max-semi-space-size=2')` was measured to change
 * nothing (the young generation is sized when the heap is set up), and
 * `--v8-pool-size` is a Node option, read once at start. A multi-argument
 * shebang (`env -S`) fails on some systems (busybox). Starting the script
 * with `node <flags> …/lockmesh.js node …` skips the header: then the flags
 * given there are the ones that apply. bin/lockmesh.ts repeats this list;
 * test/cli-node-flags.spec.ts keeps the two equal.
 */
export const NODE_PROCESS_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--v8-pool-size=1']
