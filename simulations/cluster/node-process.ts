/**
 * One node of the simulated mesh as the parent sees it: its current process
 * (a new one after every kill), the IPC traffic with it, and what it has in
 * flight — acquires not yet answered and holds not yet closed — so that when
 * the process dies the parent can close them in the history (`killed`,
 * `run-end`, `crashed`), as no one else will.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Mode } from '../../src/core/types.js'
import type { FencedStore } from './fenced-store.js'
import type { HistoryWriter } from './history-writer.js'
import type { ChildConfig, ChildMessage, ChildStatus, HistoryEvent, NetState, ParentMessage } from './protocol.js'

export interface NodeProcessInit {
  name: string
  peerId: string
  dir: string
  childScript: string
  history: HistoryWriter
  store: FencedStore
  /** The child's config for one incarnation (the network state is filled in by the caller). */
  config: (incarnation: number) => ChildConfig
  /** The process exited when nobody asked it to. */
  onCrash: (node: NodeProcess, code: number | null, signal: NodeJS.Signals | null) => void
  /** Command put before `node …` (`--net netns`: `ip netns exec <ns>`, which execs in place: same pid, IPC kept). */
  commandPrefix?: string[]
}

type State = 'down' | 'starting' | 'up' | 'paused' | 'stopping'

function holdKey (worker: string, key: string): string { return `${worker}\u0000${key}` }

export class NodeProcess {
  readonly name: string
  readonly peerId: string
  incarnation = 0
  state: State = 'down'
  mode: Mode = 'starting'
  sharedLocks = false
  /** Whether the workload runs in this node's processes (new incarnations start it too). */
  workloadOn = false
  private child: ChildProcess | null = null
  private exited: Promise<void> = Promise.resolve()
  private expectExit = false
  private readonly open = new Map<string, { worker: string, key: string, n: number }>()
  private readonly holds = new Map<string, { worker: string, key: string }>()
  private lastT = 0
  private nextId = 1
  private readonly statusWaiters = new Map<number, (s: ChildStatus | null) => void>()
  private net: NetState = { block: [], drop: [], delayMs: {} }
  /** SIGSTOP intervals (ns); a stall the node reports inside one is the pause itself, already a fault. */
  private readonly pauses: Array<{ start: number, end: number }> = []
  private readonly droppedStalls = new Set<string>()

  constructor (private readonly init: NodeProcessInit) {
    this.name = init.name
    this.peerId = init.peerId
  }

  get pid (): number | undefined { return this.child?.pid }
  get running (): boolean { return this.state === 'up' || this.state === 'starting' || this.state === 'paused' }

  /**
   * Start a new process (a new incarnation); resolves once its node listens.
   * With `gate`, the process loads, calls `onLoaded`, and starts its node only
   * when `gate` resolves.
   */
  async spawn (timeoutMs = 60_000, gate?: { onLoaded: () => void, go: Promise<void> }): Promise<void> {
    if (this.child !== null) throw new Error(`${this.name} is already running`)
    this.incarnation++
    this.state = 'starting'
    this.mode = 'starting'
    this.expectExit = false
    const cfg: ChildConfig = { ...this.init.config(this.incarnation), net: this.net, waitForGo: gate !== undefined }
    const cfgPath = join(this.init.dir, `config-${this.incarnation}.json`)
    writeFileSync(cfgPath, JSON.stringify(cfg, null, 2))
    const log = openSync(join(this.init.dir, 'output.log'), 'a')
    let child: ChildProcess
    try {
      // LOCKMESH_SIMULATE_NODE_ARGS: extra node flags for the node processes (e.g. --cpu-prof).
      const extra = (process.env.LOCKMESH_SIMULATE_NODE_ARGS ?? '').split(' ').filter(a => a !== '')
      const [command, ...args] = [...(this.init.commandPrefix ?? []), process.execPath, ...extra, this.init.childScript, cfgPath]
      child = spawn(command!, args, { stdio: ['ignore', log, log, 'ipc'], env: process.env })
    } finally {
      closeSync(log)
    }
    this.child = child
    let exitedResolve!: () => void
    this.exited = new Promise(resolve => { exitedResolve = resolve })
    let gotExit = false
    let gotDisconnect = false
    const done = (): void => { if (gotExit && gotDisconnect) exitedResolve() }
    let upResolve: (() => void) | null = null
    let upReject: ((err: Error) => void) | null = null
    const up = new Promise<void>((resolve, reject) => { upResolve = resolve; upReject = reject })
    child.on('message', (msg: ChildMessage) => {
      if (msg.type === 'up') { this.state = this.state === 'starting' ? 'up' : this.state; upResolve?.(); upResolve = null; return }
      if (msg.type === 'loaded' && gate !== undefined) {
        gate.onLoaded()
        void gate.go.then(() => { this.send({ type: 'go' }) })
        return
      }
      this.onMessage(msg)
    })
    child.on('disconnect', () => { gotDisconnect = true; done() })
    child.on('error', err => { upReject?.(err) })
    child.on('exit', (code, signal) => {
      gotExit = true
      if (!child.connected) gotDisconnect = true
      const unexpected = !this.expectExit
      upReject?.(new Error(`${this.name} exited (${signal ?? code}) before its node started; see ${join(this.init.dir, 'output.log')}`))
      upResolve = null
      done()
      if (unexpected) {
        void this.exited.then(() => {
          this.closeOpen('crashed', this.init.history.now())
          this.afterExit()
          this.init.onCrash(this, code, signal)
        })
      }
    })
    const timer = setTimeout(() => { upReject?.(new Error(`${this.name} did not start within ${timeoutMs} ms`)) }, timeoutMs)
    try {
      await up
    } finally {
      clearTimeout(timer)
    }
    if (this.workloadOn) this.send({ type: 'start' })
  }

  private afterExit (): void {
    this.child = null
    this.state = 'down'
    this.mode = 'starting'
    for (const resolve of this.statusWaiters.values()) resolve(null)
    this.statusWaiters.clear()
  }

  send (msg: ParentMessage): void {
    const c = this.child
    if (c === null || !c.connected) return
    try { c.send(msg) } catch { /* exiting */ }
  }

  startWorkload (): void {
    this.workloadOn = true
    this.send({ type: 'start' })
  }

  setNet (state: NetState): void {
    this.net = state
    this.send({ type: 'net', state })
  }

  /** The node's view (mode, acquires with their quorums), or null when it cannot answer in time. */
  async status (timeoutMs = 400): Promise<ChildStatus | null> {
    if (this.state !== 'up') return null
    const id = this.nextId++
    return await new Promise(resolve => {
      const timer = setTimeout(() => { this.statusWaiters.delete(id); resolve(null) }, timeoutMs)
      this.statusWaiters.set(id, s => { clearTimeout(timer); resolve(s) })
      this.send({ type: 'status', id })
    })
  }

  pause (): void {
    if (this.state !== 'up' || this.child === null) return
    this.pauses.push({ start: this.init.history.now(), end: Infinity })
    this.child.kill('SIGSTOP')
    this.state = 'paused'
  }

  resume (): void {
    if (this.state !== 'paused' || this.child === null) return
    this.child.kill('SIGCONT')
    this.state = 'up'
    const last = this.pauses[this.pauses.length - 1]
    if (last !== undefined) last.end = this.init.history.now()
  }

  /**
   * SIGKILL, wait until the process is gone and its last messages are read,
   * then close what it had open with reason `reason`. Returns the kill instant (ns).
   */
  async kill (reason = 'killed'): Promise<number> {
    const c = this.child
    if (c === null) return this.init.history.now()
    this.expectExit = true
    c.kill('SIGKILL')
    const t = this.init.history.now()
    if (this.state === 'paused') c.kill('SIGCONT')
    this.state = 'stopping'
    await this.exited
    this.closeOpen(reason, t)
    this.afterExit()
    return t
  }

  /** Ask the node to stop (workers end, node stops); SIGKILL after `graceMs`. */
  async stop (graceMs: number): Promise<void> {
    const c = this.child
    if (c === null) return
    if (this.state === 'paused') this.resume()
    this.expectExit = true
    this.state = 'stopping'
    this.send({ type: 'stop' })
    const timer = setTimeout(() => { c.kill('SIGKILL') }, graceMs)
    await this.exited
    clearTimeout(timer)
    this.closeOpen('run-end', this.init.history.now())
    this.afterExit()
  }

  /** Last resort on the way out: synchronous. */
  killNow (): void {
    const c = this.child
    if (c === null || c.exitCode !== null || c.signalCode !== null) return
    this.expectExit = true
    try { c.kill('SIGKILL') } catch { /* gone */ }
  }

  /** Acquires in flight and holds, for fault targeting. */
  holding (): Array<{ worker: string, key: string }> { return [...this.holds.values()] }

  private closeOpen (reason: string, at: number): void {
    const t = Math.max(at, this.lastT + 1)
    for (const o of this.open.values()) {
      for (let i = 0; i < o.n; i++) this.init.history.event({ t, type: 'acquire-failed', node: this.name, worker: o.worker, key: o.key, reason })
    }
    for (const h of this.holds.values()) this.init.history.event({ t, type: 'lost', node: this.name, worker: h.worker, key: h.key, reason })
    this.open.clear()
    this.holds.clear()
  }

  private onMessage (msg: ChildMessage): void {
    switch (msg.type) {
      case 'event': this.onEvent(msg.event); return
      case 'store': {
        const who = { node: this.name, worker: msg.worker }
        const reply = msg.op === 'read'
          ? this.init.store.read(msg.key, BigInt(msg.token), who)
          : { ...this.init.store.write(msg.key, BigInt(msg.token), who, msg.before, msg.value), value: msg.value }
        this.send({ type: 'store-reply', id: msg.id, accepted: reply.accepted, value: reply.value })
        return
      }
      case 'status-reply': {
        const w = this.statusWaiters.get(msg.id)
        this.statusWaiters.delete(msg.id)
        w?.(msg.status)
        return
      }
      case 'fatal':
        process.stderr.write(`lockmesh simulate: ${this.name} failed: ${msg.message}\n`)
        return
      case 'stopped':
      case 'up':
    }
  }

  private onEvent (e: HistoryEvent): void {
    this.lastT = Math.max(this.lastT, e.t)
    if (e.fault === 'stall' && typeof e.id === 'string') {
      if (e.type === 'fault-start' && this.pauses.some(p => p.start <= e.t + 200e6 && e.t <= p.end)) this.droppedStalls.add(e.id)
      if (this.droppedStalls.has(e.id)) return
    }
    const worker = typeof e.worker === 'string' ? e.worker : undefined
    const key = typeof e.key === 'string' ? e.key : undefined
    if (worker !== undefined && key !== undefined) {
      const hk = holdKey(worker, key)
      if (e.type === 'acquire-start') {
        const o = this.open.get(hk)
        if (o === undefined) this.open.set(hk, { worker, key, n: 1 })
        else o.n++
      } else if (e.type === 'acquired' || e.type === 'acquire-failed') {
        const o = this.open.get(hk)
        if (o !== undefined && --o.n <= 0) this.open.delete(hk)
        if (e.type === 'acquired') this.holds.set(hk, { worker, key })
      } else if (e.type === 'released' || e.type === 'lost') {
        this.holds.delete(hk)
      }
    }
    if (e.type === 'mode') {
      this.mode = e.mode as Mode
      this.sharedLocks = e.sharedLocks === true
    }
    this.init.history.event(e)
  }
}
