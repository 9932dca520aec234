/**
 * What a `lockmesh node` loads at start (issue 10): imports the built CLI
 * entry (dist/src/cli/node.js, `npm run build` first) or another module,
 * under a module-load hook, and prints the modules by package (count, source
 * characters), the built-in modules it added, then VmRSS and the V8 heap once
 * loaded — compared with a bare Node.
 *
 *   npm run build && node --max-semi-space-size=2 --v8-pool-size=1 --max-old-space-size=1024 dist/simulations/bench/module-load.js [module] [--top 25]
 */
import { readFileSync } from 'node:fs'
import { register } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { MessageChannel } from 'node:worker_threads'

/** The repository root, from simulations/bench/ or dist/simulations/bench/. */
const ROOT = join(import.meta.dirname, '..', '..', ...(import.meta.url.endsWith('.js') ? ['..'] : []))
const args = process.argv.slice(2)
const topAt = args.indexOf('--top')
const top = topAt < 0 ? 25 : Number(args.splice(topAt, 2)[1])
const target = args[0] ?? pathToFileURL(join(ROOT, 'dist', 'src', 'cli', 'node.js')).href

function status (): { rss: number, anon: number, file: number } {
  const s = readFileSync('/proc/self/status', 'utf8')
  const kib = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN) / 1024
  return { rss: kib('VmRSS'), anon: kib('RssAnon'), file: kib('RssFile') }
}

// The hook runs on the loader thread: it reports each loaded file's URL and source length over a port.
const { port1, port2 } = new MessageChannel()
const loaded: Array<{ url: string, chars: number }> = []
port1.on('message', (m: { url: string, chars: number }) => { loaded.push(m) })
port1.unref()
const hook = `let port; export function initialize (d) { port = d.port }
export async function load (url, context, next) { const r = await next(url, context); if (url.startsWith('file:')) port.postMessage({ url, chars: r.source == null ? 0 : r.source.length }); return r }`
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] })

const before = status()
const builtinsBefore = new Set((process as unknown as { moduleLoadList: string[] }).moduleLoadList)
const t0 = performance.now()
await import(target)
const ms = performance.now() - t0
await new Promise(resolve => setTimeout(resolve, 200)) // the last hook messages
const byPackage = new Map<string, { count: number, chars: number }>()
for (const { url, chars } of loaded) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  const pkg = m === null ? '(lockmesh)' : m[1]!
  const e = byPackage.get(pkg) ?? { count: 0, chars: 0 }
  e.count++
  e.chars += chars
  byPackage.set(pkg, e)
}
const after = status()
const heap = process.memoryUsage()
const builtins = (process as unknown as { moduleLoadList: string[] }).moduleLoadList.filter(x => !builtinsBefore.has(x) && x.startsWith('NativeModule ')).map(x => x.slice('NativeModule '.length))
console.log(`${new Date().toISOString()} node ${process.version} ${process.execArgv.join(' ')}: import ${target} in ${ms.toFixed(0)} ms`)
console.log(`${loaded.length} files, ${(loaded.reduce((a, x) => a + x.chars, 0) / 1024).toFixed(0)} KiB of source, ${byPackage.size} packages; largest:`)
for (const [pkg, e] of [...byPackage].sort((x, y) => y[1].chars - x[1].chars).slice(0, top)) console.log(`${(e.chars / 1024).toFixed(0).padStart(6)} KiB ${String(e.count).padStart(4)} files  ${pkg}`)
console.log(`built-in modules added: ${builtins.length} (${builtins.filter(b => !b.startsWith('internal/')).join(' ')})`)
console.log(`VmRSS ${before.rss.toFixed(1)} -> ${after.rss.toFixed(1)} MiB (anonymous ${before.anon.toFixed(1)} -> ${after.anon.toFixed(1)}, file-backed ${before.file.toFixed(1)} -> ${after.file.toFixed(1)}); V8 heap used ${(heap.heapUsed / 2 ** 20).toFixed(1)} of ${(heap.heapTotal / 2 ** 20).toFixed(1)} MiB`)
