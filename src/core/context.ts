/**
 * What the voter and requester halves of a node may do during one step.
 * LockCore implements it and turns the calls into one Ready batch.
 */
import type { CoreConfig, CoreEvent, FrameBody, NodeId, Now, Result, SafetyRule } from './types.js'

export interface StepContext {
  readonly config: CoreConfig
  readonly self: NodeId
  readonly incarnation: number
  /** The input's time. */
  readonly now: Now
  send: (to: NodeId, body: FrameBody) => void
  result: (r: Result) => void
  event: (e: CoreEvent) => void
  /** Counted and reported in status(). */
  count: (counter: string, by?: number) => void
  /** True when a test switched the rule off. */
  off: (rule: SafetyRule) => boolean
}
