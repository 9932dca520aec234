/**
 * Node/V8 flags for a `lockmesh node` process (issue 10), measured on Node 20,
 * 2 cores, 3 idle nodes on 127.0.0.1 (docs/performance.md):
 *
 * - `--max-semi-space-size=2`: a young generation of 2 × 2 MiB instead of
 *   2 × 16 MiB. A node allocates little and briefly (frames, timers), so
 *   its scavenges stay short; the default size only added RSS (~12 MiB
 *   idle). Throughput in the profile script did not drop.
 * - `--v8-pool-size=1`: one V8 platform worker thread instead of four
 *   (~2–4 MiB): a node has one event loop and little to compile or mark
 *   concurrently.
 *
 * With both an idle node measured 76–78 MiB RSS (VmRSS, of which ~44 MiB are
 * the node binary's shared pages), without them 91–94 MiB.
 *
 * The `lockmesh` bin does NOT apply them by itself: Node flags cannot change
 * after start (a re-exec would double the processes), and a multi-argument
 * shebang (`env -S`) fails on some systems (busybox). Pass them where the
 * process is started: `node --max-semi-space-size=2 --v8-pool-size=1
 * node_modules/.bin/lockmesh node …`, or
 * `NODE_OPTIONS='--max-semi-space-size=2 --v8-pool-size=1'`.
 */
export const NODE_PROCESS_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--v8-pool-size=1']
