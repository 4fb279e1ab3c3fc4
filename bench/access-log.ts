/**
 * What the access log costs on cache hits (issue #17): autocannon against a cached GET on
 * `gripgate serve`, access log off (`--log-level warn`) and on (`--log-level info`, JSON lines
 * on stderr into a pipe, as under systemd or docker), taking turns, RUNS runs each; prints each
 * run and the medians. `node --import tsx bench/access-log.ts [--runs=3] [--seconds=5]
 * [--connections=50]`. On a shared machine the figures are indicative: compare the two rows of
 * the same run, not runs of different days.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { treeCpuMs } from './procs.ts'
import { startGripgate, startOrigins } from './targets.ts'

const flag = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const RUNS = Number(flag('runs') ?? 3)
const SECONDS = Number(flag('seconds') ?? 5)
const CONNECTIONS = Number(flag('connections') ?? 50)

interface Run {
  rps: number
  cpuMsPer1k: number
}

function autocannon(url: string): { rps: number; total: number } {
  const out = spawnSync(
    'node_modules/.bin/autocannon',
    ['-c', String(CONNECTIONS), '-d', String(SECONDS), '--json', url],
    { encoding: 'utf8', timeout: (SECONDS + 30) * 1000 }
  )
  const parsed = JSON.parse(out.stdout) as { requests: { average: number; total: number } }
  return { rps: parsed.requests.average, total: parsed.requests.total }
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

async function main() {
  const origins = await startOrigins()
  const modes = [
    ['access log off (--log-level warn)', 'warn'],
    ['access log on (--log-level info)', 'info'],
  ] as const
  const runs = new Map<string, Run[]>(modes.map(([name]) => [name, []]))
  try {
    for (let r = 0; r < RUNS; r++) {
      for (const [name, level] of modes) {
        const gateway = await startGripgate(origins, [], undefined, level)
        try {
          const url = `http://127.0.0.1:${gateway.port}/cached/item`
          // Twice: the first stores the entry, the second prepares its quick answer.
          for (let i = 0; i < 2; i++) await fetch(url).then((res) => res.arrayBuffer())
          const cpu0 = treeCpuMs(gateway.pids())
          const { rps, total } = autocannon(url)
          const cpuMsPer1k = ((treeCpuMs(gateway.pids()) - cpu0) / total) * 1000
          console.log(
            `run ${r + 1} ${name}: ${rps.toFixed(0)} req/s, ${cpuMsPer1k.toFixed(1)} CPU ms per 1k`
          )
          runs.get(name)!.push({ rps, cpuMsPer1k })
        } finally {
          await gateway.stop()
        }
      }
    }
  } finally {
    await origins.stop()
  }
  console.log(
    `\n| gripgate cache hits (autocannon -c ${CONNECTIONS} -d ${SECONDS}, ${RUNS} runs) | req/s (median) | CPU ms per 1k |`
  )
  console.log('|---|---|---|')
  for (const [name, results] of runs) {
    console.log(
      `| ${name} | ${median(results.map((x) => x.rps)).toFixed(0)} | ${median(results.map((x) => x.cpuMsPer1k)).toFixed(1)} |`
    )
  }
}

await main()
