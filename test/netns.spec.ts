/**
 * `lockmesh simulate --net netns` (issue 6): nodes in network namespaces,
 * faults as kernel DROP rules.
 *
 * The first block needs nothing special (rule text, names, the fault
 * bookkeeping against a recording firewall, refusals). The second needs root
 * and `ip netns` and is skipped, with the reason printed, without them: the
 * topology, TCP across namespaces, partitions and one-way cuts made by
 * iptables and nft, teardown on every way out (normal exit, uncaught
 * exception, SIGINT, SIGTERM), the sweep of dead runs, and real runs of the
 * compiled CLI (LOCKMESH_QUICK=1 leaves the 20 s run to the full suite).
 */
import { expect } from 'chai'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { NetFault, NetworkControl } from '../simulations/cluster/network.js'
import { createFirewall } from '../simulations/cluster/netns/create-firewall.js'
import type { DropRule, Firewall } from '../simulations/cluster/netns/firewall.js'
import { iptablesLines } from '../simulations/cluster/netns/iptables.js'
import { nextPrefix, nodeSlot, ownerPid, PREFIX_RE, runPrefix } from '../simulations/cluster/netns/names.js'
import { NetnsNetwork, ONE_WAY_NOTE, type Endpoint, type NetnsFault } from '../simulations/cluster/netns/netns-network.js'
import { nftAddScript, nftRemoveScript } from '../simulations/cluster/netns/nft.js'
import { checkNetns, which, type FirewallTool } from '../simulations/cluster/netns/preflight.js'
import { sweep } from '../simulations/cluster/netns/sweep.js'
import { NetnsTopology, parseLinkNames, parseNetnsList } from '../simulations/cluster/netns/topology.js'
import { ensureBuilt } from './helpers/ensure-built.js'

const QUICK = process.env.LOCKMESH_QUICK === '1'
const ROOT = join(import.meta.dirname, '..')
const CLI = join(ROOT, 'dist', 'bin', 'lockmesh.js')
const HOLDER = join(import.meta.dirname, 'helpers', 'netns-holder.ts')
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

// ---------------------------------------------------------------------------
// Helpers

/** A firewall that records what it is asked to do. */
class RecordingFirewall implements Firewall {
  readonly tool = 'iptables' as const
  readonly rules = new Map<string, string[]>()
  async add (ns: string, tag: string, rules: readonly DropRule[]): Promise<void> {
    const l = this.rules.get(ns) ?? []
    for (const r of rules) l.push(`${tag} ${r.dir} ${r.peer}`)
    this.rules.set(ns, l)
  }

  async remove (ns: string, tag: string, rules: readonly DropRule[]): Promise<void> {
    const l = this.rules.get(ns) ?? []
    for (const r of rules) {
      const i = l.indexOf(`${tag} ${r.dir} ${r.peer}`)
      if (i < 0) throw new Error(`no rule ${tag} ${r.dir} ${r.peer} in ${ns}`)
      l.splice(i, 1)
    }
  }

  async list (ns: string): Promise<string> { return (this.rules.get(ns) ?? []).join('\n') }
  all (): string[] { return [...this.rules].flatMap(([ns, l]) => l.map(r => `${ns}: ${r}`)).sort() }
}

/** An in-process control that records slow / heal / restarted. */
class RecordingControl implements NetworkControl {
  readonly calls: string[] = []
  private next = 100
  private fault (kind: NetFault['kind'], nodes: string[]): NetFault { return { id: this.next++, kind, nodes, links: [] } }
  async partition (): Promise<NetFault> { throw new Error('not here') }
  async isolate (): Promise<NetFault> { throw new Error('not here') }
  async bridge (): Promise<NetFault> { throw new Error('not here') }
  async oneWay (): Promise<NetFault> { throw new Error('not here') }
  async slow (nodes: string[], ms: number): Promise<NetFault> { this.calls.push(`slow ${nodes.join(',')} ${ms}`); return this.fault('slow', nodes) }
  async heal (f?: NetFault): Promise<void> { this.calls.push(f === undefined ? 'heal all' : `heal ${f.id}`) }
  async restarted (node: string): Promise<void> { this.calls.push(`restarted ${node}`) }
}

function endpoints (names: string[], prefix = 'lm1-'): Map<string, Endpoint> {
  return new Map(names.map((n, i) => { const s = nodeSlot(prefix, i); return [n, { ns: s.ns, address: s.address }] }))
}

function ipNetns (): string[] { return parseNetnsList(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })) }
function rootLinks (): string[] { return parseLinkNames(execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' })) }
function leftovers (prefix: string): string[] { return [...ipNetns(), ...rootLinks()].filter(n => n.startsWith(prefix)) }

/** Why the kernel specs cannot run here, or null. */
async function kernelSkipReason (): Promise<string | null> {
  try {
    await checkNetns()
    return null
  } catch (err) {
    return (err as Error).message
  }
}


/**
 * A TCP peer inside a namespace (plain CommonJS, run by `ip netns exec`):
 * server or client, each writing 64 bytes every 50 ms and noting when it last
 * received; over IPC it says `ready` (with its pid) and answers `stats`.
 */
const PEER = `
const net = require('node:net')
const [role, addr, port] = process.argv.slice(1)
let got = 0, last = 0
const errors = []
const use = s => {
  s.on('data', d => { got += d.length; last = Date.now() })
  s.on('error', e => { errors.push(e.code) })
  setInterval(() => { if (!s.destroyed) s.write('x'.repeat(64)) }, 50)
}
if (role === 'server') {
  net.createServer(use).listen(Number(port), addr, () => process.send({ type: 'ready', pid: process.pid }))
} else {
  const s = net.connect(Number(port), addr, () => { use(s); process.send({ type: 'ready', pid: process.pid }) })
  s.on('error', e => process.send({ type: 'error', code: e.code }))
}
process.on('message', () => process.send({ type: 'stats', got, last, now: Date.now(), errors }))
process.on('disconnect', () => process.exit(0))
`

interface PeerStats { got: number, last: number, now: number, errors: string[] }

class Peer {
  private constructor (readonly child: ChildProcess, readonly pid: number) {}

  static async start (ns: string, role: 'server' | 'client', addr: string, port: number): Promise<Peer> {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', PEER, role, addr, String(port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const pid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`${role} in ${ns} did not start`)) }, 10_000)
      child.on('message', (m: { type: string, pid?: number, code?: string }) => {
        if (m.type === 'ready') { clearTimeout(timer); resolve(m.pid!) }
        if (m.type === 'error') { clearTimeout(timer); reject(new Error(`${role} in ${ns}: ${m.code}`)) }
      })
      child.on('exit', code => { clearTimeout(timer); reject(new Error(`${role} in ${ns} exited (${code})`)) })
    })
    return new Peer(child, pid)
  }

  async stats (): Promise<PeerStats> {
    return await new Promise(resolve => {
      this.child.once('message', m => { resolve(m as PeerStats) })
      this.child.send('stats')
    })
  }

  stop (): void { if (this.child.exitCode === null) this.child.kill('SIGKILL') }
}

/** Whether a new TCP connection from `ns` to addr:port succeeds within `ms`. */
async function connects (ns: string, addr: string, port: number, ms = 1500): Promise<boolean> {
  const code = `const s = require('node:net').connect(${port}, '${addr}', () => process.exit(0)); s.on('error', () => process.exit(2)); setTimeout(() => process.exit(1), ${ms})`
  return await new Promise(resolve => {
    const c = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', code], { stdio: 'ignore' })
    c.on('exit', code => { resolve(code === 0) })
  })
}

/** Polls `f` until true or `ms` passes; returns how long it took (or null). */
async function within (ms: number, f: () => Promise<boolean>): Promise<number | null> {
  const t0 = Date.now()
  while (Date.now() - t0 < ms) {
    if (await f()) return Date.now() - t0
    await sleep(50)
  }
  return null
}

function runCli (args: string[], opts: { timeoutMs: number, onStderr?: (all: string, child: ChildProcess) => void }): Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string, pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); opts.onStderr?.(stderr, child) })
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`simulate did not finish within ${opts.timeoutMs} ms\n${stderr}`)) }, opts.timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr, pid: child.pid! }) })
  })
}

// ---------------------------------------------------------------------------

describe('netns: names, rules and fault bookkeeping', () => {
  it('names every object lm<pid>-…, interface names within 15 characters, addresses in 198.18.0.0/15', () => {
    expect(runPrefix(4194304)).to.equal('lm4194304-')
    const s = nodeSlot(`${runPrefix(4194304)}a`, 24)
    expect(s).to.deep.equal({ index: 24, ns: 'lm4194304-an25', address: '198.18.0.25', hubIf: 'lm4194304-ah25', nodeIf: 'lm4194304-ae25' })
    expect(nodeSlot(`${runPrefix(4194304)}zz`, 24).hubIf).to.have.length(15)
    expect(() => nodeSlot(`${runPrefix(4194304)}aaa`, 24)).to.throw(/15 characters/)
    expect(ownerPid('lm123-hub')).to.equal(123)
    expect(ownerPid('eth0')).to.equal(null)
    expect(PREFIX_RE.test('lmx-n1')).to.equal(false)
    const [p1, p2] = [nextPrefix(), nextPrefix()]
    expect(p1).to.match(new RegExp(`^${runPrefix()}[a-z]+$`))
    expect(p2).to.not.equal(p1)
    expect(p2.startsWith(p1) || p1.startsWith(p2)).to.equal(false)
    // A topology owns its own names only, not those of one whose prefix extends its own.
    const t = new NetnsTopology({ prefix: 'lm7-a' })
    expect(['lm7-ahub', 'lm7-an1', 'lm7-ah12', 'lm7-ae3'].every(n => t.owns(n))).to.equal(true)
    expect(['lm7-aan1', 'lm7-aahub', 'lm7-bn1', 'lm7-an', 'lm7-ax1'].some(n => t.owns(n))).to.equal(false)
    expect(parseNetnsList('lm1-n1 (id: 3)\nlm1-hub\n')).to.deep.equal(['lm1-n1', 'lm1-hub'])
    expect(parseLinkNames('1: lo: <LOOPBACK,UP>\n7: lm1-h1@if2: <BROADCAST>\n')).to.deep.equal(['lo', 'lm1-h1'])
  })

  it('writes iptables and nft rules that name the peer, the direction and the fault', () => {
    const rules: DropRule[] = [{ dir: 'in', peer: '198.18.0.2' }, { dir: 'out', peer: '198.18.0.2' }]
    expect(iptablesLines('-A', 'f3', rules)).to.equal('*filter\n' +
      '-A INPUT -s 198.18.0.2/32 -m comment --comment "lockmesh f3" -j DROP\n' +
      '-A OUTPUT -d 198.18.0.2/32 -m comment --comment "lockmesh f3" -j DROP\nCOMMIT\n')
    expect(iptablesLines('-D', 'f3', rules.slice(0, 1))).to.include('-D INPUT -s 198.18.0.2/32')
    expect(nftAddScript('f3', rules)).to.equal('add table inet lockmesh\n' +
      'add chain inet lockmesh f3_in { type filter hook input priority 0; policy accept; }\n' +
      'add rule inet lockmesh f3_in ip saddr 198.18.0.2 drop\n' +
      'add chain inet lockmesh f3_out { type filter hook output priority 0; policy accept; }\n' +
      'add rule inet lockmesh f3_out ip daddr 198.18.0.2 drop\n')
    expect(nftRemoveScript('f3', rules.slice(0, 1))).to.equal('flush chain inet lockmesh f3_in\ndelete chain inet lockmesh f3_in\n')
    expect(() => iptablesLines('-A', 'f 3; rm', rules)).to.throw(/tag/)
    expect(() => iptablesLines('-A', 'f3', [{ dir: 'in', peer: '1.2.3.4/0' }])).to.throw(/IPv4/)
  })

  it('cuts a partition at both ends, INPUT and OUTPUT, and heals exactly its own rules', async () => {
    const fw = new RecordingFirewall()
    const net = new NetnsNetwork(endpoints(['n1', 'n2', 'n3']), fw, new RecordingControl())
    const p = await net.partition([['n1'], ['n2', 'n3']])
    expect(p.links.map(l => l.join('>')).sort()).to.deep.equal(['n1>n2', 'n1>n3', 'n2>n1', 'n3>n1'])
    expect(fw.all()).to.deep.equal([
      'lm1-n1: f1 in 198.18.0.2', 'lm1-n1: f1 in 198.18.0.3', 'lm1-n1: f1 out 198.18.0.2', 'lm1-n1: f1 out 198.18.0.3',
      'lm1-n2: f1 in 198.18.0.1', 'lm1-n2: f1 out 198.18.0.1',
      'lm1-n3: f1 in 198.18.0.1', 'lm1-n3: f1 out 198.18.0.1'
    ])
    // A second fault on an overlapping link: healing the first leaves it in force.
    const iso = await net.isolate('n2')
    expect(iso.links).to.have.length(4)
    await net.heal(p)
    expect(fw.all()).to.deep.equal([
      'lm1-n1: f2 in 198.18.0.2', 'lm1-n1: f2 out 198.18.0.2',
      'lm1-n2: f2 in 198.18.0.1', 'lm1-n2: f2 in 198.18.0.3', 'lm1-n2: f2 out 198.18.0.1', 'lm1-n2: f2 out 198.18.0.3',
      'lm1-n3: f2 in 198.18.0.2', 'lm1-n3: f2 out 198.18.0.2'
    ])
    await net.heal(p) // healing twice is a no-op
    await net.heal()
    expect(fw.all()).to.deep.equal([])
    expect(net.activeCount).to.equal(0)
  })

  it('bridge: left and right cut, the bridge node keeps both', async () => {
    const fw = new RecordingFirewall()
    const net = new NetnsNetwork(endpoints(['n1', 'n2', 'n3']), fw, new RecordingControl())
    const b = await net.bridge(['n1'], 'n2', ['n3'])
    expect(b.links.map(l => l.join('>')).sort()).to.deep.equal(['n1>n3', 'n3>n1'])
    expect(fw.all().filter(r => r.startsWith('lm1-n2'))).to.deep.equal([])
  })

  it('one-way: a DROP in the receiver\'s INPUT only, recorded as both directions with a note', async () => {
    const fw = new RecordingFirewall()
    const net = new NetnsNetwork(endpoints(['n1', 'n2', 'n3']), fw, new RecordingControl())
    const f = await net.oneWay(['n1'], ['n2']) as NetnsFault
    expect(fw.all()).to.deep.equal(['lm1-n2: f1 in 198.18.0.1'])
    expect(f.links.map(l => l.join('>')).sort()).to.deep.equal(['n1>n2', 'n2>n1'])
    expect(f.note).to.equal(ONE_WAY_NOTE)
    expect(f.nodes).to.deep.equal(['n1', 'n2'])
    await net.heal(f)
    expect(fw.all()).to.deep.equal([])
  })

  it('slow stays in the transport hook; restarted re-applies no rule', async () => {
    const fw = new RecordingFirewall()
    const inProcess = new RecordingControl()
    const net = new NetnsNetwork(endpoints(['n1', 'n2', 'n3']), fw, inProcess)
    const s = await net.slow(['n2'], 80)
    expect(s).to.include({ kind: 'slow' })
    expect(s.links).to.deep.equal([])
    const cut = await net.isolate('n3')
    await net.restarted('n3')
    expect(fw.all()).to.have.length(8) // the isolation's rules, once
    await net.heal(s)
    await net.heal(cut)
    expect(inProcess.calls).to.deep.equal(['slow n2 80', 'restarted n3', 'heal 100'])
    await net.heal()
    expect(inProcess.calls[inProcess.calls.length - 1]).to.equal('heal all')
  })

  it('a fault whose rules fail in one namespace is undone everywhere and rejected', async () => {
    const fw = new RecordingFirewall()
    const failing: Firewall = {
      tool: 'iptables',
      add: async (ns, tag, rules) => { if (ns === 'lm1-n3') throw new Error('no such namespace'); await fw.add(ns, tag, rules) },
      remove: async (ns, tag, rules) => { await fw.remove(ns, tag, rules) },
      list: async ns => await fw.list(ns)
    }
    const net = new NetnsNetwork(endpoints(['n1', 'n2', 'n3']), failing, new RecordingControl())
    let err: unknown
    try { await net.partition([['n1'], ['n2', 'n3']]) } catch (e) { err = e }
    expect(String(err)).to.match(/no such namespace/)
    expect(fw.all()).to.deep.equal([])
    expect(net.activeCount).to.equal(0)
  })

  it('refuses without root, without ip, without iptables or nft, naming what is missing', async () => {
    const err = async (p: Promise<unknown>): Promise<Error> => { try { await p } catch (e) { return e as Error } throw new Error('resolved') }
    const root = await err(checkNetns({ uid: 1000 }))
    expect(root.name).to.equal('NetnsUnavailableError')
    expect(root.message).to.match(/needs root/)
    expect((await err(checkNetns({ uid: 0, which: () => null }))).message).to.match(/`ip` \(iproute2\)/)
    if (which('ip') !== null) {
      const noFilter = await err(checkNetns({ uid: 0, which: n => n === 'ip' ? which('ip') : null }))
      expect(noFilter.message).to.match(/`iptables`.*`nft`/)
    }
  })
})

describe('netns: kernel namespaces, DROP rules, teardown (root)', function () {
  let tools: FirewallTool[] = []

  before(async function () {
    const reason = await kernelSkipReason()
    if (reason !== null) {
      console.log(`      (skipped: ${reason})`)
      this.skip()
    }
    tools = (['iptables', 'nft'] as const).filter(t => which(t === 'iptables' ? 'iptables-restore' : 'nft') !== null)
  })

  it('setup creates a hub with a bridge and one namespace per node joined by veth pairs; teardown removes them', async () => {
    const topo = new NetnsTopology()
    try {
      await topo.setup(3)
      await topo.setup(3) // idempotent
      expect(ipNetns().filter(n => n.startsWith(topo.prefix)).sort()).to.deep.equal([`${topo.prefix}hub`, `${topo.prefix}n1`, `${topo.prefix}n2`, `${topo.prefix}n3`])
      const hubLinks = execFileSync('ip', ['-n', topo.hub, '-o', 'link'], { encoding: 'utf8' })
      for (let i = 1; i <= 3; i++) expect(hubLinks).to.match(new RegExp(`${topo.prefix}h${i}@.* master br0`))
      for (const s of topo.nodes) {
        const addr = execFileSync('ip', ['-n', s.ns, '-o', '-4', 'addr'], { encoding: 'utf8' })
        expect(addr).to.include(`${s.nodeIf}    inet ${s.address}/24`)
        expect(addr).to.match(/lo +inet 127\.0\.0\.1/)
        expect(execFileSync('ip', ['-n', s.ns, 'route'], { encoding: 'utf8' })).to.not.match(/default/)
        if (existsSync('/proc/sys/net/ipv4/tcp_rto_max_ms')) {
          expect(execFileSync('ip', ['netns', 'exec', s.ns, 'cat', '/proc/sys/net/ipv4/tcp_rto_max_ms'], { encoding: 'utf8' }).trim()).to.equal('1000')
        }
      }
      // Nothing of ours in the root namespace, no route out: no traffic can leave.
      expect(rootLinks().filter(l => l.startsWith(topo.prefix))).to.deep.equal([])
      expect(await connects(topo.node(0).ns, '192.0.2.1', 80, 500)).to.equal(false)
      expect(await connects(topo.node(0).ns, topo.node(1).address, 9, 500)).to.equal(false) // nothing listens

    } finally {
      await topo.teardown()
      await topo.teardown() // idempotent
    }
    expect(leftovers(topo.prefix)).to.deep.equal([])
  })

  it('nodes in two namespaces reach each other over TCP; `ip netns exec` keeps the IPC channel and the pid', async () => {
    const topo = new NetnsTopology()
    const peers: Peer[] = []
    try {
      await topo.setup(2)
      const server = await Peer.start(topo.node(1).ns, 'server', topo.node(1).address, 7001)
      peers.push(server)
      // ip netns exec execs in place: the pid we hold is the node's own.
      expect(server.pid).to.equal(server.child.pid)
      const client = await Peer.start(topo.node(0).ns, 'client', topo.node(1).address, 7001)
      peers.push(client)
      await sleep(400)
      expect((await client.stats()).got).to.be.greaterThan(0)
      expect((await server.stats()).got).to.be.greaterThan(0)
      // SIGSTOP reaches the node process itself.
      const state = (): string => readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(' ')[2]!
      server.child.kill('SIGSTOP')
      expect(await within(2000, async () => state() === 'T')).to.not.equal(null)
      server.child.kill('SIGCONT')
      expect(await within(2000, async () => state() !== 'T')).to.not.equal(null)
    } finally {
      for (const p of peers) p.stop()
      await topo.teardown()
    }
    expect(leftovers(topo.prefix)).to.deep.equal([])
  })

  for (const tool of ['iptables', 'nft'] as const) {
    it(`${tool}: a DROP partition cuts TCP (new and established) and heal restores it, removing every rule`, async function () {
      if (!tools.includes(tool)) { console.log(`      (skipped: ${tool} not installed)`); this.skip() }
      const topo = new NetnsTopology()
      const peers: Peer[] = []
      try {
        await topo.setup(3)
        const fw = createFirewall({ ip: 'ip', firewall: tool, firewallPath: which(tool === 'iptables' ? 'iptables-restore' : 'nft')! })
        const net = new NetnsNetwork(new Map(['n1', 'n2', 'n3'].map((n, i) => [n, { ns: topo.node(i).ns, address: topo.node(i).address }])), fw, new RecordingControl())
        const [a, b, c] = [topo.node(0), topo.node(1), topo.node(2)]
        const server = await Peer.start(b.ns, 'server', b.address, 7002)
        peers.push(server)
        const client = await Peer.start(a.ns, 'client', b.address, 7002)
        peers.push(client)
        expect(await connects(a.ns, b.address, 7002)).to.equal(true)

        const f = await net.partition([['n1'], ['n2', 'n3']])
        expect(await fw.list(a.ns)).to.include(b.address)
        expect(await connects(a.ns, b.address, 7002)).to.equal(false)
        expect(await connects(c.ns, b.address, 7002)).to.equal(true) // same side
        await sleep(1000)
        const cut = await client.stats()
        expect(cut.now - cut.last).to.be.greaterThan(700) // the established stream stalls

        await net.heal(f)
        expect(await fw.list(a.ns)).to.not.include(b.address)
        expect(await fw.list(b.ns)).to.not.include(a.address)
        expect(await connects(a.ns, b.address, 7002)).to.equal(true)
        const healedAt = Date.now()
        const resumed = await within(5000, async () => (await client.stats()).last > healedAt)
        console.log(`      (${tool}: established stream resumed ${String(resumed)} ms after heal)`)
        expect(resumed).to.not.equal(null)
      } finally {
        for (const p of peers) p.stop()
        await topo.teardown()
      }
      expect(leftovers(topo.prefix)).to.deep.equal([])
    })
  }

  it('one-way: dropping n1→n2 at n2 stalls n2→n1 on the same TCP connection too (what the fault records)', async () => {
    const topo = new NetnsTopology()
    const peers: Peer[] = []
    try {
      await topo.setup(2)
      const tools = await checkNetns()
      const net = new NetnsNetwork(new Map(['n1', 'n2'].map((n, i) => [n, { ns: topo.node(i).ns, address: topo.node(i).address }])), createFirewall(tools), new RecordingControl())
      const [a, b] = [topo.node(0), topo.node(1)]
      const server = await Peer.start(b.ns, 'server', b.address, 7003)
      peers.push(server)
      const client = await Peer.start(a.ns, 'client', b.address, 7003)
      peers.push(client)
      await sleep(500)
      const f = await net.oneWay(['n1'], ['n2'])
      const cutAt = Date.now()
      expect(f.links.map(l => l.join('>')).sort()).to.deep.equal(['n1>n2', 'n2>n1'])
      await sleep(3000)
      const atServer = await server.stats() // receives from n1: dropped at once
      const atClient = await client.stats() // receives from n2: not dropped, but stalls
      console.log(`      (one-way n1→n2: n2 last heard n1 ${atServer.last - cutAt} ms after the cut; n1 last heard n2 ${atClient.last - cutAt} ms after it)`)
      expect(atServer.last - cutAt).to.be.lessThan(300)
      expect(atClient.last - cutAt).to.be.lessThan(2500)
      await net.heal(f)
      const healedAt = Date.now()
      expect(await within(5000, async () => (await client.stats()).last > healedAt && (await server.stats()).last > healedAt)).to.not.equal(null)
    } finally {
      for (const p of peers) p.stop()
      await topo.teardown()
    }
    expect(leftovers(topo.prefix)).to.deep.equal([])
  })

  for (const how of ['exit', 'throw', 'SIGINT', 'SIGTERM'] as const) {
    it(`teardown runs when the process ${how === 'exit' ? 'ends normally' : how === 'throw' ? 'dies of an uncaught exception' : `is killed by ${how}`}`, async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, how.startsWith('SIG') ? 'wait' : how], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      let err = ''
      child.stdout.on('data', (d: Buffer) => { out += d.toString() })
      child.stderr.on('data', (d: Buffer) => { err += d.toString() })
      const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => child.on('exit', (code, signal) => { resolve({ code, signal }) }))
      const prefix = runPrefix(child.pid)
      expect(await within(20_000, async () => out.includes('ready') || child.exitCode !== null)).to.not.equal(null)
      if (how.startsWith('SIG')) {
        const made = /ready (\S+)/.exec(out)![1]!
        expect(made.startsWith(prefix)).to.equal(true)
        expect(leftovers(prefix).sort()).to.deep.equal([`${made}hub`, `${made}n1`, `${made}n2`])
        child.kill(how as NodeJS.Signals)
      }
      const end = await exited
      if (how === 'exit') expect(end.code).to.equal(0)
      if (how === 'throw') { expect(end.code).to.equal(1); expect(err).to.include('uncaught on purpose') }
      if (how.startsWith('SIG')) expect(end.signal).to.equal(how) // died of the signal, as without the hook
      expect(out).to.match(new RegExp(`ready ${prefix}[a-z]+`))
      expect(leftovers(prefix)).to.deep.equal([])
    })
  }

  it('sweep removes the namespaces of dead runs and leaves live ones alone', async () => {
    const dead = spawn('true')
    await new Promise(resolve => dead.on('exit', resolve))
    const deadNs = `${runPrefix(dead.pid)}n1`
    const liveNs = `${runPrefix()}keep`
    execFileSync('ip', ['netns', 'add', deadNs])
    execFileSync('ip', ['netns', 'add', liveNs])
    try {
      const swept = await sweep()
      expect(swept.namespaces).to.include(deadNs)
      expect(ipNetns()).to.not.include(deadNs)
      expect(ipNetns()).to.include(liveNs)
    } finally {
      for (const ns of [deadNs, liveNs]) if (ipNetns().includes(ns)) execFileSync('ip', ['netns', 'del', ns])
    }
  })

  it('lockmesh simulate --net netns refuses (exit 2) a user who is not root', async function () {
    if (which('setpriv') === null) { console.log('      (skipped: no setpriv to drop root)'); this.skip() }
    ensureBuilt()
    let code = 0
    let stderr = ''
    try {
      execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'simulate', '--net', 'netns'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (e) {
      const x = e as { status: number, stderr: string }
      code = x.status
      stderr = x.stderr
    }
    expect(code).to.equal(2)
    expect(stderr).to.match(/--net netns needs root/)
  })

  it('lockmesh simulate --net netns --nodes 5 --duration 20s --chaos all: no violations, nothing left behind', async function () {
    if (QUICK) { console.log('      (skipped: LOCKMESH_QUICK=1 — the run happens in the full suite)'); this.skip() }
    ensureBuilt()
    const out = mkdtempSync(join(tmpdir(), 'lockmesh-netns-'))
    const r = await runCli(['simulate', '--net', 'netns', '--nodes', '5', '--duration', '20s', '--chaos', 'all', '--json', '--out', out], { timeoutMs: 240_000 })
    const last = r.stdout.trim().split('\n').pop() ?? ''
    const summary = JSON.parse(last) as { violations: unknown[], acquired: number, out: string, faults: Record<string, { injected: number }>, crashes: string[] }
    expect(leftovers(runPrefix(r.pid))).to.deep.equal([]) // whatever the outcome
    if (r.code !== 0) console.log(r.stdout, r.stderr)
    expect(r.code).to.equal(0)
    expect(summary.violations).to.deep.equal([])
    expect(summary.crashes).to.deep.equal([])
    expect(summary.acquired).to.be.greaterThan(20)
    const config = JSON.parse(readFileSync(join(summary.out, 'history.jsonl'), 'utf8').split('\n')[0]!) as { net: string, netns: { addresses: Record<string, string> } }
    expect(config.net).to.equal('netns')
    expect(config.netns.addresses.n1).to.equal('198.18.0.1')
    expect(leftovers(runPrefix(r.pid))).to.deep.equal([])
    rmSync(out, { recursive: true, force: true })
  })

  it('lockmesh simulate --net netns stopped by Ctrl-C mid-run: exit 130, every node reaped, nothing left behind', async function () {
    if (QUICK) { console.log('      (skipped: LOCKMESH_QUICK=1)'); this.skip() }
    ensureBuilt()
    let sent = false
    const out = mkdtempSync(join(tmpdir(), 'lockmesh-netns-'))
    const r = await runCli(['simulate', '--net', 'netns', '--nodes', '3', '--duration', '40s', '--chaos', 'partition,isolate', '--out', out], {
      timeoutMs: 180_000,
      onStderr: (all, child) => { if (!sent && /chaos: (partition|isolate)/.test(all)) { sent = true; child.kill('SIGINT') } }
    })
    expect(sent).to.equal(true)
    expect(r.code).to.equal(130)
    expect(leftovers(runPrefix(r.pid))).to.deep.equal([])
    const ps = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })
    expect(ps.split('\n').filter(l => l.includes(out) && l.includes('child.js'))).to.deep.equal([])
    rmSync(out, { recursive: true, force: true })
  })
})
