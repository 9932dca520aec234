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
 * The `lockmesh` bin does NOT apply them by itself: Node flags cannot change
 * after start (a re-exec would double the processes), and a multi-argument
 * shebang (`env -S`) fails on some systems (busybox). Pass them where the
 * process is started: `node --max-semi-space-size=2 --v8-pool-size=1
 * node_modules/.bin/lockmesh node …`, or
 * `NODE_OPTIONS='--max-semi-space-size=2 --v8-pool-size=1'`.
 */
export const NODE_PROCESS_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--v8-pool-size=1']
