/**
 * For test/netns.spec.ts: sets up a small namespace topology (prefix
 * `lm<pid>-`), prints `ready <prefix>`, then leaves by the way argv[2] names:
 * `exit` (the event loop ends without a teardown), `throw` (an uncaught
 * exception), or `wait` (until a signal kills it). The topology's exit hooks
 * must remove everything in each case.
 */
import { NetnsTopology } from '../../simulations/cluster/netns/topology.js'

const how = process.argv[2] ?? 'wait'
const topology = new NetnsTopology()
await topology.setup(2)
process.stdout.write(`ready ${topology.prefix}\n`)
if (how === 'throw') setTimeout(() => { throw new Error('netns-holder: uncaught on purpose') }, 50)
else if (how === 'wait') setInterval(() => {}, 1000)
