/**
 * What the benchmark imports: the action's own measurement, bundled
 * apart from the action by scripts/bench.mjs (ncc, into build/bench/).
 */
export { DockerCli } from '../../src/docker/cli.js'
export { measureSaved } from '../../src/docker/measure-image.js'
