/**
 * Debug logs of a running node, through libp2p's logger (`DEBUG=lockmesh:*`):
 * one line per state change worth knowing, one namespace per layer. Built
 * from the mesh's events and core events on the driver side — the core stays
 * pure. Per-frame or per-acquire lines only under `:trace`.
 *
 *   lockmesh:core       mode changes with the reachable set; rejected frames (trace)
 *   lockmesh:detector   suspicion of a peer and its end
 *   lockmesh:voter      quiet period start and end; votes dropped by suspicion; disk-loss recovery (why not voting, recovered)
 *   lockmesh:requester  attempt restarts, locks lost (with the reason); failed acquires (trace)
 *   lockmesh:store      fence-store load, write errors; each write (trace) — see timed-store.ts
 *   lockmesh:transport  streams up/down, refused handshakes with the reason — the transport's own
 */
import type { ComponentLogger, Logger } from '@libp2p/interface'
import type { CoreEvent } from '../core/types.js'
import type { LockEventDetail, LockMesh, MeshObserver, ModeEventDetail } from '../mesh.js'
import { outcomeOf } from './names.js'

export class MeshLog {
  private readonly core: Logger
  private readonly detector: Logger
  private readonly voter: Logger
  private readonly requester: Logger
  private mesh: LockMesh | null = null
  private quietTimer: ReturnType<typeof setTimeout> | null = null
  private quietLogged = false

  readonly observer: MeshObserver = {
    acquireSettled: ({ mode, durationMs, error }) => {
      if (error !== undefined) this.requester.trace('%s acquire failed after %d ms: %s (%s)', mode, Math.round(durationMs), outcomeOf(error), error.message)
    },
    coreEvent: (e: CoreEvent) => { this.coreEvent(e) }
  }

  private readonly onMode = (e: CustomEvent<ModeEventDetail>): void => {
    const d = e.detail
    const size = this.mesh?.config.roster.length ?? 0
    this.core('mode %s (shared locks %s), reachable %d/%d: %s', d.mode, d.sharedLocks ? 'yes' : 'no', d.reachable.length, size, d.reachable.join(','))
    if (d.recovering) this.voter('not voting: %s', d.reason ?? 'recovering a lost fence store')
    this.checkQuiet()
  }

  private readonly onLost = (e: CustomEvent<LockEventDetail>): void => {
    this.requester('lock lost: %s token %s (%s)', e.detail.key, e.detail.token.toString(), e.detail.reason ?? 'unknown')
  }

  constructor (logger: ComponentLogger) {
    this.core = logger.forComponent('lockmesh:core')
    this.detector = logger.forComponent('lockmesh:detector')
    this.voter = logger.forComponent('lockmesh:voter')
    this.requester = logger.forComponent('lockmesh:requester')
  }

  /** Listen to `mesh` (call once it started: the quiet period is known then). */
  attach (mesh: LockMesh): void {
    this.mesh = mesh
    mesh.addEventListener('mode', this.onMode)
    mesh.addEventListener('lock-lost', this.onLost)
    // The first recovery mode event came during start(), before we listened.
    const recovery = mesh.status().recovery
    if (recovery !== null && mesh.status().recovering) this.voter('the fence store is missing (not a new member): not voting: %s', recovery.reason)
    this.checkQuiet()
  }

  detach (): void {
    if (this.quietTimer !== null) clearTimeout(this.quietTimer)
    this.quietTimer = null
    this.mesh?.removeEventListener('mode', this.onMode)
    this.mesh?.removeEventListener('lock-lost', this.onLost)
  }

  /** A restart's quiet period: one line at its start, one at its end (a timer, outside the core). */
  private checkQuiet (): void {
    if (this.quietLogged || this.mesh === null) return
    const remainingMs = this.mesh.status().core?.quietRemainingMs
    if (remainingMs === undefined) return
    this.quietLogged = true
    if (remainingMs <= 0) return
    this.voter('quiet period: no vote granted for %d ms (restart without a clean exit)', Math.ceil(remainingMs))
    this.quietTimer = setTimeout(() => { this.quietTimer = null; this.voter('quiet period over: granting votes') }, Math.ceil(remainingMs))
    this.quietTimer.unref()
  }

  private coreEvent (e: CoreEvent): void {
    switch (e.type) {
      case 'suspect': this.detector('suspect %s (not heard from within the suspicion timeout)', e.peer); return
      case 'trust': this.detector('trust %s again', e.peer); return
      case 'suspicion-drop': this.voter('dropped %d grant(s) and %d queued request(s) of %s on %s', e.grants, e.queued, e.peer, e.key); return
      case 'attempt-restart': this.requester('attempt on %s restarted: %s', e.key, e.why); return
      case 'rejected-frame': this.core.trace('rejected a frame from %s: %s', e.from, e.why); return
      case 'drained': this.voter('drained: no vote held any more, stopping'); return
      case 'recovered': this.voter('recovered a lost fence store: incarnation %d, ceiling %s, from the answers of %s; voting from now on', e.incarnation, e.ceiling.toString(), e.reporters.join(',')); return
      default:
    }
  }
}
