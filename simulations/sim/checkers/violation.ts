/** One broken property, as a checker reports it. */
export type ViolationKind =
  | 'mutual-exclusion'
  | 'late-loss'
  | 'token-order'
  | 'store-two-marks'
  | 'valid-op-rejected'
  | 'lost-update'
  | 'liveness'
  | 'fairness'
  | 'mode'
  | 'fault-free-restart'
  | 'id-reuse'
  | 'core-exception'
  | 'runaway'

export interface Violation {
  kind: ViolationKind
  /** True time the property broke (ms), when it has one. */
  t: number
  details: string
}

/** Checkers stop reporting after this many violations of one kind in one seed. */
export const VIOLATIONS_PER_KIND_MAX = 5

export class ViolationList {
  readonly items: Violation[] = []
  private readonly perKind = new Map<ViolationKind, number>()

  add (kind: ViolationKind, t: number, details: string): void {
    const n = this.perKind.get(kind) ?? 0
    this.perKind.set(kind, n + 1)
    if (n < VIOLATIONS_PER_KIND_MAX) this.items.push({ kind, t, details })
  }
}

export function fmtT (t: number): string {
  return Number.isFinite(t) ? t.toFixed(3) : String(t)
}
