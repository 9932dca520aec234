/**
 * A bench agent: a process that embeds one lockmesh node (from the same
 * config file `lockmesh node` reads) and runs workers when the bench asks
 * (spread layout, failover holder). It logs `started` / `mode` JSON lines on
 * stdout like `lockmesh node`, talks to the bench over the IPC channel, and
 * exits when that channel closes (the bench is gone).
 *
 * Messages from the bench: `work` (run workers, reply `done`), `hold` (acquire
 * a key and keep it: reply `holding`; the bench then SIGKILLs this process),
 * `hold-many` (acquire many keys and keep them: reply `held`), `status` (votes
 * this node's voter holds), and the replies `counter` to this agent's counter reads/writes, which go to
 * the bench's fenced store.
 */
import '../../src/polyfills.js'
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { createLockMesh, loadPrivateKey } from '../../src/create.js'
import { parseNodeConfig } from '../../src/cli/node-config.js'
import { acquireRetrying, holdMany } from './hold-many.js'
import type { Lock } from '../../src/lock.js'
import { runWorkers, type CounterStore, type WorkSpec } from './workload.js'
import type { AgentReply, AgentRequest } from './agent-protocol.js'

const configPath = resolve(process.argv[2] ?? '')
const cfg = parseNodeConfig(JSON.parse(await readFile(configPath, 'utf8')))
const base = dirname(configPath)
const mesh = await createLockMesh({
  privateKey: await loadPrivateKey(resolve(base, cfg.keyFile)), roster: cfg.roster, listen: cfg.listen,
  bootstrap: cfg.bootstrap, dataDir: resolve(base, cfg.dataDir), quorum: cfg.quorum, ttlMsMax: cfg.ttlMsMax, timing: cfg.timing
})
const log = (o: object): void => { process.stdout.write(JSON.stringify({ t: new Date().toISOString(), ...o }) + '\n') }
log({ event: 'started', peerId: mesh.config.self })
mesh.addEventListener('mode', e => { log({ event: 'mode', ...e.detail }) })

const send = (m: AgentReply): void => { process.send?.(m) }
const pending = new Map<number, (v: number | boolean | null) => void>()
let nextReq = 1
const ask = async (m: { op: 'read', key: string, token: string } | { op: 'write', key: string, token: string, value: number }): Promise<number | boolean | null> =>
  await new Promise(resolvePromise => {
    const req = nextReq++
    pending.set(req, resolvePromise)
    send({ type: 'counter', req, ...m })
  })
/** The bench's fenced counter, one IPC round trip per read or write. */
const remoteStore: CounterStore = {
  read: async (key, token) => await ask({ op: 'read', key, token: token.toString() }) as number | null,
  write: async (key, token, value) => await ask({ op: 'write', key, token: token.toString(), value }) as boolean
}
/** How long a `hold` may take (a transient read-only mesh is waited out). */
const HOLD_WAIT_MS = 30_000
/** Locks of `hold` / `hold-many`: kept until the process stops. */
const held: Lock[] = []

process.on('message', (raw: AgentRequest) => {
  switch (raw.type) {
    case 'counter': pending.get(raw.req)?.(raw.result); pending.delete(raw.req); break
    case 'work':
      runWorkers(mesh, remoteStore, raw.spec as WorkSpec).then(
        result => { send({ type: 'done', id: raw.id, result }) },
        (err: unknown) => { send({ type: 'error', id: raw.id, message: String((err as Error).stack ?? err) }) })
      break
    case 'hold': {
      const failed: Record<string, number> = {}
      acquireRetrying(mesh, raw.key, raw.ttlMs, performance.now() + HOLD_WAIT_MS, failed).then(lock => {
        if (lock === null) throw new Error(`hold ${raw.key}: not acquired (${JSON.stringify(failed)})`)
        held.push(lock)
        send({ type: 'holding', id: raw.id, token: lock.token.toString() })
      }).catch((err: unknown) => { send({ type: 'error', id: raw.id, message: String((err as Error).stack ?? err) }) })
      break
    }
    case 'hold-many':
      holdMany(mesh, raw.prefix, raw.count, raw.concurrency, raw.ttlMs, raw.timeLimitMs).then(
        r => { held.push(...r.locks); send({ type: 'held', id: raw.id, held: r.locks.length, failed: r.failed }) },
        (err: unknown) => { send({ type: 'error', id: raw.id, message: String((err as Error).stack ?? err) }) })
      break
    case 'status': {
      const s = mesh.status()
      send({ type: 'status', id: raw.id, votes: s.core?.voter.votes ?? -1, locks: s.locks.length })
      break
    }
  }
})
// The bench is gone (or done with us): stop the node (no drain: nothing measures it) and exit.
const stop = (): void => { void mesh.stop({ drainMs: 0 }).finally(() => process.exit(0)) }
process.on('disconnect', stop)
process.on('SIGTERM', stop)
