/**
 * A small HTML tag scanner for the report specs (no browser, no DOM library):
 * every element's name and attributes (entities decoded), script/style bodies
 * skipped as raw text, and a check that non-void elements nest and close.
 */
export interface Element {
  name: string
  attrs: Record<string, string>
}

export interface Scan {
  elements: Element[]
  /** Nesting errors: a close tag that does not match, or elements left open. */
  errors: string[]
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'])
const RAW = new Set(['script', 'style'])

export function decodeEntities (s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|nbsp);/gi, (_m, e: string) => {
    const l = e.toLowerCase()
    if (l.startsWith('#x')) return String.fromCodePoint(parseInt(l.slice(2), 16))
    if (l.startsWith('#')) return String.fromCodePoint(parseInt(l.slice(1), 10))
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' } as Record<string, string>)[l]!
  })
}

function parseAttrs (s: string): Record<string, string> {
  const attrs: Record<string, string> = {}
  const re = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g
  let m: RegExpExecArray | null
  while ((m = re.exec(s)) !== null) attrs[m[1]!.toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '')
  return attrs
}

export function scanHtml (html: string): Scan {
  const elements: Element[] = []
  const errors: string[] = []
  const stack: string[] = []
  let i = 0
  while (i < html.length) {
    const lt = html.indexOf('<', i)
    if (lt < 0) break
    if (html.startsWith('<!--', lt)) { i = html.indexOf('-->', lt) + 3; if (i < 3) break; continue }
    if (html.startsWith('<!', lt)) { i = html.indexOf('>', lt) + 1; if (i < 1) break; continue }
    const close = html[lt + 1] === '/'
    const m = /^<\/?([a-zA-Z][\w:-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>/.exec(html.slice(lt, lt + 200_000))
    if (m === null) { i = lt + 1; continue }
    const name = m[1]!.toLowerCase()
    const rest = m[2]!
    i = lt + m[0].length
    if (close) {
      const top = stack.pop()
      if (top !== name) errors.push(`</${name}> closes <${top ?? 'nothing'}> at offset ${lt}`)
      continue
    }
    const selfClosing = rest.trimEnd().endsWith('/')
    elements.push({ name, attrs: parseAttrs(selfClosing ? rest.trimEnd().slice(0, -1) : rest) })
    if (RAW.has(name)) {
      const end = html.toLowerCase().indexOf(`</${name}`, i)
      if (end < 0) { errors.push(`<${name}> never closed`); break }
      i = html.indexOf('>', end) + 1
      continue
    }
    if (!selfClosing && !VOID.has(name)) stack.push(name)
  }
  for (const open of stack) errors.push(`<${open}> never closed`)
  return { elements, errors }
}

export function hasClass (e: Element, cls: string): boolean {
  return (e.attrs.class ?? '').split(/\s+/).includes(cls)
}

export function byClass (scan: Scan, cls: string): Element[] {
  return scan.elements.filter(e => hasClass(e, cls))
}
