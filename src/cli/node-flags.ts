/**
 * Node/V8 flags for a `lockmesh node` process (issue 10), measured on Node 20,
 * 2 cores, 3 idle nodes on 127.0.0.1 (docs/performance-results-2026-12-06.md):
 *
 * - `--max-semi-space-size=2`: a young generation of 2 × 2 MiB instead of
 *   up to 2 × 16 MiB. A node allocates little and briefly (frames, timers),
 *   so its scavenges stay short; the profile script's hot key did not slow down.
 * - `--v8-pool-size=1`: one V8 platform worker thread instead of four: a
 *   node has one event loop and little to compile or mark concurrently.
 * - `--max-old-space-size=1024`: a heap cap of 1 GiB instead of Node's default
 *   (up to 4 GiB, from the host's memory). V8 lets the old generation grow
 *   to 4× its live size between full GCs when the cap is 2 GiB or more, and
 *   ~1.6× at 1 GiB, so the garbage a node carries shrinks (its live heap is
 *   ~10–25 MB). 1 GiB is far above what the core's limits let a node keep
 *   (keysMax, tombstonesMax, per-peer queues; outbound frames are bytes
 *   outside the heap), so it is not a limit a peer can push a node into.
 *
 * With the first two, idle nodes measured 73–78 MiB RSS (VmRSS, ~44 MiB of it
 * the node binary's shared pages); without them 90–94 MiB. Adding the third,
 * on a loaded host (load 13–17, 3 nodes, simulations/bench/node-rss.ts,
 * 2026-12-07): idle 74–75 MiB instead of 78–79, after two load rounds 77–81
 * instead of 82–86, holding 3,000 locks 79–84 instead of 85–91, with no more
 * CPU per acquire. `--optimize-for-size` saved as much RSS but took more CPU
 * per acquire, so it is not used.
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
export const NODE_PROCESS_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--v8-pool-size=1', '--max-old-space-size=1024']
