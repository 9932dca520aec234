/**
 * Names and addresses of one run's network namespaces.
 *
 * Every object a run creates starts with `lm<pid>-` (the pid of the process
 * that made it) and a letter per topology in that process (a, b, …, so two
 * in one process never touch each other's): namespaces `lm<pid>-ahub` and
 * `lm<pid>-an<i>`, veth ends `lm<pid>-ah<i>` (in the hub) and `lm<pid>-ae<i>`
 * (in node i's namespace). Interface names stay within Linux's 15
 * characters (a pid has at most 7 digits). A leftover whose pid no longer
 * runs is a dead run's (sweep.ts).
 *
 * Addresses come from the benchmarking range 198.18.0.0/15 (RFC 2544, never
 * routed): node i (0-based) is 198.18.0.(i+1)/24; the hub has none.
 */

export const PREFIX_RE = /^lm(\d+)-/
export const MAX_NODES = 250
export const SUBNET_BITS = 24

/** What every object of process `pid` starts with. */
export function runPrefix (pid: number = process.pid): string {
  return `lm${pid}-`
}

let topologies = 0

/** A prefix no other topology of this process has: `lm<pid>-a`, then `-b`, … */
export function nextPrefix (): string {
  const n = topologies++
  let letters = ''
  for (let k = n; ; k = Math.floor(k / 26) - 1) {
    letters = String.fromCharCode(97 + (k % 26)) + letters
    if (k < 26) break
  }
  return `${runPrefix()}${letters}`
}

export interface NodeSlot {
  /** 0-based position. */
  index: number
  ns: string
  address: string
  /** veth end in the hub (enslaved to the bridge). */
  hubIf: string
  /** veth end in the node's namespace. */
  nodeIf: string
}

export function hubName (prefix: string): string { return `${prefix}hub` }

export const BRIDGE = 'br0'

export function nodeSlot (prefix: string, index: number): NodeSlot {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_NODES) throw new RangeError(`netns: node index ${index} outside [0, ${MAX_NODES})`)
  const slot: NodeSlot = {
    index,
    ns: `${prefix}n${index + 1}`,
    address: `198.18.0.${index + 1}`,
    hubIf: `${prefix}h${index + 1}`,
    nodeIf: `${prefix}e${index + 1}`
  }
  for (const name of [slot.hubIf, slot.nodeIf]) if (name.length > 15) throw new RangeError(`netns: interface name ${name} is longer than 15 characters`)
  return slot
}

/** The pid in a name made by `runPrefix`, or null for a name that is not ours. */
export function ownerPid (name: string): number | null {
  const m = PREFIX_RE.exec(name)
  return m === null ? null : Number(m[1])
}
