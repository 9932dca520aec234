/**
 * Running a node process inside its namespace: `ip netns exec <ns> node …`.
 * `ip netns exec` switches namespaces and then execs the command in place
 * (no fork), so the pid the parent holds is the node's own (SIGSTOP and
 * SIGKILL reach it) and every inherited descriptor — the Node IPC channel
 * among them, with NODE_CHANNEL_FD in the environment — carries over.
 */
export function netnsExecPrefix (ns: string, ip = 'ip'): string[] {
  return [ip, 'netns', 'exec', ns]
}
