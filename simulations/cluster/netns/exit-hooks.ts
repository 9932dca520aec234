/**
 * Runs a synchronous cleanup on every way out a process can observe: normal
 * exit, process.exit(), an uncaught exception or unhandled rejection (Node
 * emits 'exit' for those), and SIGINT/SIGTERM/SIGHUP. A signal is handled
 * here only when nobody else listens for it: then the cleanup runs and the
 * signal is raised again, so the process still dies of it. When another
 * listener owns the signal (lockmesh simulate stops its run on the first
 * Ctrl-C), that listener decides; its orderly path or its process.exit()
 * reaches the cleanup anyway. SIGKILL cannot be seen: sweep.ts removes what
 * such a run leaves.
 */

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

/** Registers `cleanup` (run at most once); returns the function that unregisters it. */
export function onEveryExit (cleanup: () => void): () => void {
  let done = false
  const once = (): void => {
    if (done) return
    done = true
    try { cleanup() } catch { /* the way out goes on */ }
  }
  const onSignal = (sig: NodeJS.Signals): void => {
    if (process.listenerCount(sig) > 1) return
    once()
    unregister()
    process.kill(process.pid, sig)
  }
  const unregister = (): void => {
    process.off('exit', once)
    for (const s of SIGNALS) process.off(s, onSignal)
  }
  process.on('exit', once)
  for (const s of SIGNALS) process.on(s, onSignal)
  return unregister
}
