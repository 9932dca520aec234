/**
 * The bench's side of the agent IPC: send a request, await the reply with the
 * same id (bounded by a timeout), and answer the agent's counter reads and
 * writes from the bench's fenced store meanwhile.
 */
import type { FencedCounterStore } from '../acceptance/counter-app.js'
import type { AgentReply, AgentRequest } from './agent-protocol.js'
import type { Peer } from './cluster.js'

let nextId = 1
/** The store agents' counter requests go to (one scenario at a time). */
let counterStore: FencedCounterStore | null = null
const linked = new WeakSet<object>()

export function useCounterStore (store: FencedCounterStore | null): void { counterStore = store }

function link (peer: Peer): void {
  const proc = peer.child.proc
  if (linked.has(proc)) return
  linked.add(proc)
  proc.on('message', (m: AgentReply) => {
    if (m.type !== 'counter') return
    const s = counterStore
    const token = BigInt(m.token)
    const result = s === null ? null : m.op === 'read' ? s.read(m.key, token) : s.write(m.key, token, m.value)
    const reply: AgentRequest = { type: 'counter', req: m.req, result }
    proc.send(reply)
  })
}

/** A request without its id (distributes over the union). */
type Unsent<T> = T extends unknown ? Omit<T, 'id'> : never
type Reply<T extends AgentReply['type']> = Extract<AgentReply, { type: T }>

/** Sends `request` (its id filled in) and resolves with the agent's reply of type `expect`. */
export async function callAgent<T extends AgentReply['type']> (peer: Peer, request: Unsent<Exclude<AgentRequest, { type: 'counter' }>>, expect: T, timeoutMs: number): Promise<Reply<T>> {
  link(peer)
  const proc = peer.child.proc
  const id = nextId++
  return await new Promise((resolve, reject) => {
    const done = (): void => { clearTimeout(timer); proc.off('message', onMessage); proc.off('exit', onExit) }
    const onMessage = (m: AgentReply): void => {
      if (m.type === 'counter' || m.id !== id) return
      done()
      if (m.type === 'error') reject(new Error(`agent node${peer.index}: ${m.message}`))
      else if (m.type !== expect) reject(new Error(`agent node${peer.index}: expected ${expect}, got ${m.type}`))
      else resolve(m as Reply<T>)
    }
    const onExit = (): void => { done(); reject(new Error(`agent node${peer.index} exited: ${peer.child.tail.slice(-5).join(' | ')}`)) }
    const timer = setTimeout(() => { done(); reject(new Error(`agent node${peer.index}: no ${expect} within ${timeoutMs} ms`)) }, timeoutMs)
    proc.on('message', onMessage)
    proc.once('exit', onExit)
    proc.send({ ...request, id } as AgentRequest)
  })
}
