import { describe, expect, it } from '@jest/globals'
import { nativeLibraries } from '../../src/generate/native-libraries.js'

describe('nativeLibraries', () => {
  it.each([
    { deps: ['flask', 'gunicorn'], build: [], run: [] },
    { deps: ['psycopg2'], build: ['libpq-dev', 'libpq5'], run: ['libpq5'] },
    { deps: ['psycopg2-binary'], build: [], run: [] },
    { deps: ['lightgbm', 'numpy'], build: ['libgomp1'], run: ['libgomp1'] },
    {
      deps: ['mysqlclient', 'psycopg2'],
      build: [
        'default-libmysqlclient-dev',
        'libmariadb3',
        'libpq-dev',
        'libpq5',
        'pkg-config'
      ],
      run: ['libmariadb3', 'libpq5']
    }
  ])('$deps', ({ deps, build, run }) => {
    const needs = nativeLibraries(deps)
    expect(needs.build).toEqual(build)
    expect(needs.run).toEqual(run)
  })
})
