/**
 * Preloaded into every `lockmesh node` the bench spawns (`--import`): when
 * the bench process vanishes (SIGKILLed, crashed), the child's stdin pipe
 * closes and the node stops itself (SIGTERM: its normal draining stop), so no
 * node outlives the bench.
 */
process.stdin.on('end', () => { process.kill(process.pid, 'SIGTERM') })
process.stdin.on('error', () => { process.kill(process.pid, 'SIGTERM') })
process.stdin.resume()
// Do not keep the event loop alive for stdin alone.
;(process.stdin as unknown as { unref?: () => void }).unref?.()
