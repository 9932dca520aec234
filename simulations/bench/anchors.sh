#!/usr/bin/env bash
# npm run bench:anchors — lockmesh side by side with Redis, Redlock, etcd and
# ZooKeeper locks in one interleaved run (issue 10), using the shared
# anchor-bench (its README says what each target and scenario is).
#
# The anchor-bench is COPIED to a work dir and run there; the original is never
# modified. One adaptation is made to the copy, and why:
#   - its lockmesh driver (drivers/lockmesh.mjs) and run.sh look for the CLI at
#     dist/src/cli/main.js; the CLI now lives at dist/bin/lockmesh.js (bin/lockmesh.ts).
#     Both files get that one path rewritten (sed); nothing else changes. The
#     script fails loudly if the path is no longer found (the anchor-bench changed).
#   - its lockmesh driver starts every member on an empty data dir. Since disk-loss
#     recovery (issue 12) a missing fence store means "this node lost its disk"
#     (it recovers, granting nothing for a quiet period) unless the member is
#     declared brand new: the copy runs `lockmesh init --config` before each peer
#     process (an existing store is left alone) and passes `newMember: true` to the
#     embedded node (used only when its store is missing, e.g. the failover
#     holder's first run).
#   - its lockmesh driver starts each peer as `node … lockmesh.js node`, which
#     skips the bin's sh header and with it the Node flags the bin gives
#     `lockmesh node` (src/cli/node-flags.ts): the copy passes the flags read
#     from that header, so the peers run as `lockmesh node` does.
#
# Env (all optional):
#   ANCHOR_BENCH_SRC  the anchor-bench to copy (default /work/shared/anchor-bench)
#   ANCHOR_WORK_DIR   where the copy runs (default ${TMPDIR:-/tmp}/lockmesh-anchor-bench);
#                     its npm deps (npm ci) and server data stay there between runs
#   GROUPS_LIST       groups to run (default "lockmesh redis etcd zk")
#   SKIP_BUILD=1      do not run `npm run build` first
#   REPS, FO_REPS, DURATION_MS, CYCLES, WARMUP …  passed through to the anchor run.sh
#   RESULT_TAG        appended to the output name, e.g. "smoke"
#
# Output: docs/anchor-results-<UTC date>[-<tag>].md and .json in this repo
# (the raw per-run JSON stays in $ANCHOR_WORK_DIR/raw/).
#
# Needs (Debian 12, as root): apt-get install redis-server redis-tools etcd-server
# etcd-client zookeeper default-jre-headless.
# Length: the full default run (REPS=3 FO_REPS=3, 10 s scenarios, all groups) takes
# ~17–20 min; the smoke settings (REPS=1 FO_REPS=1 DURATION_MS=2000 CYCLES=300) ~4–6 min.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
SRC=${ANCHOR_BENCH_SRC:-/work/shared/anchor-bench}
WORK=${ANCHOR_WORK_DIR:-${TMPDIR:-/tmp}/lockmesh-anchor-bench}
read -r -a GROUPS_ARR <<< "${GROUPS_LIST:-lockmesh redis etcd zk}"
DATE=$(date -u +%Y-%m-%d)
NAME="anchor-results-$DATE${RESULT_TAG:+-$RESULT_TAG}"
OLD_CLI='dist/src/cli/main.js'
NEW_CLI='dist/bin/lockmesh.js'

[[ -d $SRC ]] || { echo "anchors: no anchor-bench at $SRC (set ANCHOR_BENCH_SRC)" >&2; exit 2; }
for f in run.sh drivers/lockmesh.mjs; do
  grep -q "$OLD_CLI" "$SRC/$f" || { echo "anchors: $SRC/$f no longer mentions $OLD_CLI — check whether the adaptation is still needed" >&2; exit 2; }
done

echo "anchors: copying $SRC -> $WORK (node_modules, data and raw results kept)"
mkdir -p "$WORK"
# Copy everything but installed deps, server data and old results.
(cd "$SRC" && tar --exclude=./node_modules --exclude=./data --exclude=./raw -cf - .) | (cd "$WORK" && tar -xf -)
sed -i "s#$OLD_CLI#$NEW_CLI#g" "$WORK/run.sh" "$WORK/drivers/lockmesh.mjs"
grep -q "$NEW_CLI" "$WORK/drivers/lockmesh.mjs"
DRIVER=$WORK/drivers/lockmesh.mjs
for anchor in "import { spawn } from 'node:child_process';" "function spawnPeer(name, dir, port) {" "const meshOpts = (o) => ({ ...o, quorum, ttlMsMax, timing });"; do
  grep -qF "$anchor" "$DRIVER" || { echo "anchors: $DRIVER no longer has: $anchor — check the new-member adaptation" >&2; exit 2; }
done
sed -i "s#^import { spawn } from 'node:child_process';#import { spawn, spawnSync } from 'node:child_process';#" "$DRIVER"
sed -i "s#^  function spawnPeer(name, dir, port) {#  function spawnPeer(name, dir, port) {\n    spawnSync(process.execPath, [MAIN_JS, 'init', '--config', path.join(dir, 'config.json')], { stdio: 'ignore' });#" "$DRIVER"
sed -i "s#^  const meshOpts = (o) => ({ ...o, quorum, ttlMsMax, timing });#  const meshOpts = (o) => ({ ...o, quorum, ttlMsMax, timing, newMember: true });#" "$DRIVER"
grep -q "spawnSync(process.execPath, \[MAIN_JS, 'init'" "$DRIVER" && grep -q "newMember: true" "$DRIVER" || { echo "anchors: the new-member adaptation did not apply" >&2; exit 2; }

NODE_FLAGS=$(sed -n 's#^//bin/sh -c :; \[ "$1" = node \] && exec node \(.*\) "$0" "$@"$#\1#p' "$REPO/bin/lockmesh.ts")
[[ -n $NODE_FLAGS ]] || { echo "anchors: no Node flags found in the header of $REPO/bin/lockmesh.ts" >&2; exit 2; }
NODE_FLAGS_JS=$(printf "'%s', " $NODE_FLAGS)
sed -i "s#spawn(process.execPath, \['--import', GUARD_URL, MAIN_JS, 'node'#spawn(process.execPath, [${NODE_FLAGS_JS}'--import', GUARD_URL, MAIN_JS, 'node'#" "$DRIVER"
grep -qF "[${NODE_FLAGS_JS}'--import', GUARD_URL, MAIN_JS, 'node'" "$DRIVER" || { echo "anchors: the node-flags adaptation did not apply" >&2; exit 2; }
echo "anchors: lockmesh node peers start with $NODE_FLAGS"

if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  echo "anchors: building lockmesh in $REPO"
  (cd "$REPO" && npm run build --silent)
fi
[[ -f $REPO/$NEW_CLI ]] || { echo "anchors: $REPO/$NEW_CLI missing (npm run build)" >&2; exit 2; }

echo "anchors: run.sh ${GROUPS_ARR[*]} -> $NAME (REPS=${REPS:-3} FO_REPS=${FO_REPS:-3} DURATION_MS=${DURATION_MS:-default} CYCLES=${CYCLES:-default})"
T0=$SECONDS
(cd "$WORK" && LOCKMESH_DIR=$REPO OUT_NAME=$NAME ./run.sh "${GROUPS_ARR[@]}")
mkdir -p "$REPO/docs"
{
  echo "<!-- Generated by simulations/bench/anchors.sh on $(date -u +%Y-%m-%dT%H:%MZ), $((SECONDS - T0)) s;"
  echo "     settings: groups ${GROUPS_ARR[*]}; REPS=${REPS:-3} FO_REPS=${FO_REPS:-3} DURATION_MS=${DURATION_MS:-default} CYCLES=${CYCLES:-default};"
  echo "     load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); lockmesh commit $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD -- src bin || echo ' + uncommitted changes') -->"
  if [[ ${RESULT_TAG:-} == smoke* ]]; then
    echo
    echo "> **Smoke run** (RESULT_TAG=$RESULT_TAG): small settings on a shared machine, only to prove the pipeline works — not figures to compare or quote."
    echo
  fi
  cat "$WORK/$NAME.md"
} > "$REPO/docs/$NAME.md"
cp "$WORK/$NAME.json" "$REPO/docs/$NAME.json"
echo "anchors: wrote docs/$NAME.md and docs/$NAME.json"
