/**
 * `lockmesh simulate`: placeholder until the multi-process harness lands.
 */
export async function runSimulate (_argv: string[]): Promise<number> {
  process.stderr.write('lockmesh simulate: the multi-process harness is not built yet\n')
  return 2
}
