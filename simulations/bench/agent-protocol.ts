/** The IPC messages between the bench and its agents (agent.ts). */
import type { WorkResult, WorkSpec } from './workload.js'

export type AgentRequest =
  | { type: 'work', id: number, spec: WorkSpec }
  | { type: 'hold', id: number, key: string, ttlMs: number }
  | { type: 'counter', req: number, result: number | boolean | null }
  /** Acquire `count` locks on `prefix`0.. (`concurrency` at a time) and keep them. */
  | { type: 'hold-many', id: number, prefix: string, count: number, concurrency: number, ttlMs: number, timeLimitMs: number }
  | { type: 'status', id: number }

export type AgentReply =
  | { type: 'done', id: number, result: WorkResult }
  | { type: 'holding', id: number, token: string }
  | { type: 'error', id: number, message: string }
  | { type: 'held', id: number, held: number, failed: Record<string, number> }
  | { type: 'status', id: number, votes: number, locks: number }
  | { type: 'counter', req: number, op: 'read', key: string, token: string }
  | { type: 'counter', req: number, op: 'write', key: string, token: string, value: number }
