import { describe, expect, test } from '@jest/globals'
import {
  bytecodeSource,
  distributionSizes,
  firstCsvField
} from '../../src/measure/distributions.js'
import { ImageFileSystem } from '../../src/measure/image-files.js'
import type { LayerChange } from '../../src/measure/layer-contents.js'

const SITE = 'app/.venv/lib/python3.13/site-packages'
const file = (path: string, size: number): LayerChange => ({
  path,
  kind: 'file',
  size
})

function image(layers: LayerChange[][]): ImageFileSystem {
  const files = new ImageFileSystem({ largestFileCount: 5, directoryDepth: 3 })
  layers.forEach((changes, index) => files.apply(index, changes))
  return files
}

const FLASK_RECORD = [
  'flask/__init__.py,sha256=abc,2000',
  'flask/app.py,sha256=def,60000',
  'flask-3.1.3.dist-info/RECORD,,',
  'flask-3.1.3.dist-info/METADATA,sha256=x,3000',
  '../../../bin/flask,sha256=y,240',
  ''
].join('\n')
const CLICK_RECORD = [
  '"click/odd,name.py",sha256=abc,100',
  'click-8.5.1.dist-info/RECORD,,'
].join('\r\n')

const INSTALLED = [
  file(`${SITE}/flask/__init__.py`, 2000),
  file(`${SITE}/flask/app.py`, 60_000),
  // Compiled after installing: not in the RECORD, still flask's.
  file(`${SITE}/flask/__pycache__/app.cpython-313.pyc`, 50_000),
  file(`${SITE}/flask-3.1.3.dist-info/RECORD`, 400),
  file(`${SITE}/flask-3.1.3.dist-info/METADATA`, 3000),
  file('app/.venv/bin/flask', 240),
  file(`${SITE}/click/odd,name.py`, 100),
  file(`${SITE}/click-8.5.1.dist-info/RECORD`, 80),
  // Nobody's: a .pth file and a stray module.
  file(`${SITE}/distutils-precedence.pth`, 150),
  file(`${SITE}/stray.py`, 999)
]

const RECORDS = new Map([
  [`${SITE}/flask-3.1.3.dist-info/RECORD`, FLASK_RECORD],
  [`${SITE}/click-8.5.1.dist-info/RECORD`, CLICK_RECORD]
])

describe('distributionSizes', () => {
  test('sizes each distribution from the image, bytecode and scripts included', () => {
    expect(distributionSizes(RECORDS, image([INSTALLED]))).toEqual([
      {
        name: 'flask',
        version: '3.1.3',
        location: SITE,
        size: 2000 + 60_000 + 50_000 + 400 + 3000 + 240,
        files: 6
      },
      { name: 'click', version: '8.5.1', location: SITE, size: 180, files: 2 }
    ])
  })

  test('leaves out a distribution whose RECORD a later layer deleted', () => {
    const removed: LayerChange = {
      path: `${SITE}/click-8.5.1.dist-info`,
      kind: 'whiteout',
      size: 0
    }
    const found = distributionSizes(RECORDS, image([INSTALLED, [removed]]))
    expect(found.map(d => d.name)).toEqual(['flask'])
  })

  test('counts a file its RECORD lists but the image lacks as nothing', () => {
    const partial = INSTALLED.filter(c => !c.path.endsWith('flask/app.py'))
    const [flask] = distributionSizes(RECORDS, image([partial]))
    expect(flask.size).toBe(2000 + 50_000 + 400 + 3000 + 240)
  })
})

describe('RECORD helpers', () => {
  test.each([
    ['flask/app.py,sha256=x,10', 'flask/app.py'],
    ['"a,b.py",sha256=x,10', 'a,b.py'],
    ['"say ""hi"".py",,', 'say "hi".py'],
    ['bare', 'bare'],
    ['', '']
  ])('first field of %p', (line, expected) => {
    expect(firstCsvField(line)).toBe(expected)
  })

  test.each([
    ['pkg/__pycache__/mod.cpython-313.pyc', 'pkg/mod.py'],
    ['pkg/__pycache__/mod.cpython-313.opt-1.pyc', 'pkg/mod.py'],
    ['__pycache__/top.cpython-311.pyc', 'top.py'],
    ['pkg/mod.py', ''],
    ['pkg/__pycache__/notes.txt', '']
  ])('bytecode %p comes from %p', (path, source) => {
    expect(bytecodeSource({ path })).toBe(source)
  })
})
