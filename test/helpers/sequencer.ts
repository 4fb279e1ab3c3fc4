/**
 * The order in which `vitest run` starts test files. Vitest's own sequencer takes the projects
 * in name order (fastly, node, unit, workers), which left the slowest waits for last: the
 * Pushpin comparison of the `node` project (about 20 s, mostly waiting on Grip timeouts) and
 * workerd's start-up with the 5 s alarm of the `workers` project. Started first, they overlap
 * everything else. Within a project the order stays Vitest's: slowest first when its cache
 * knows the durations, largest file first when not (a fresh clone).
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/** Projects in the order their files start; one not listed goes last. */
const PROJECT_ORDER = ['node', 'workers', 'fastly', 'unit']

const rank = (spec: TestSpecification) => {
  const index = PROJECT_ORDER.indexOf(spec.project.name)
  return index === -1 ? PROJECT_ORDER.length : index
}

/** Vitest's sequencer with the projects in `PROJECT_ORDER`. */
export class ProjectOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    // Array#sort is stable: the base order survives within each project.
    return sorted.sort((a, b) => rank(a) - rank(b))
  }
}
