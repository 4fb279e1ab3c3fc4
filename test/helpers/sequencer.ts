/**
 * The order in which `vitest run` starts test files. Vitest's own sequencer takes the projects
 * in name order (fastly, node, unit, workers), so workerd's start-ups and the 5 s alarm wait of
 * the workers project came last, with little left to overlap them. Here the projects with long
 * waits start first: node (its largest file, the Pushpin comparison, spends about 20 s mostly
 * waiting on Grip timeouts), then workers; the CPU-bound fastly and unit files fill the gaps.
 * Within a project the order stays Vitest's: slowest first when its cache knows the
 * durations, largest file first when not (a fresh clone).
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
