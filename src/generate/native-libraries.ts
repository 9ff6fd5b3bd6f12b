/**
 * Distributions that compile against a system library, and the Debian 13
 * packages they need: headers in the builder, the library at run time.
 * What this table misses, the shared-library check after the build finds.
 */
const KNOWN: Record<string, { build: string[]; run: string[] }> = {
  psycopg2: { build: ['libpq-dev'], run: ['libpq5'] },
  mysqlclient: {
    build: ['default-libmysqlclient-dev', 'pkg-config'],
    run: ['libmariadb3']
  },
  pycairo: { build: ['libcairo2-dev', 'pkg-config'], run: ['libcairo2'] },
  lightgbm: { build: [], run: ['libgomp1'] },
  'python-ldap': { build: ['libldap-dev', 'libsasl2-dev'], run: ['libldap2'] }
}

export interface NativeLibraries {
  /** The project's distributions that need them. */
  distributions: string[]
  /** Debian packages for the builder: headers and the libraries. */
  build: string[]
  /** Debian packages whose libraries the runtime must hold. */
  run: string[]
}

export function nativeLibraries(dependencies: string[]): NativeLibraries {
  const distributions = dependencies.filter(name => name in KNOWN).sort()
  const all = (key: 'build' | 'run') =>
    [...new Set(distributions.flatMap(name => KNOWN[name][key]))].sort()
  return {
    distributions,
    build: [...new Set([...all('build'), ...all('run')])].sort(),
    run: all('run')
  }
}

/** Where the builder gathers the libraries a shell-less runtime needs. */
export const RUNTIME_LIBS = '/opt/venvship-runtime-libs'

/**
 * Copies every library the venv's shared objects resolve to, except the
 * C library itself, under RUNTIME_LIBS at its real directory, keeping the
 * name the loader asks for. ldd needs a shell: this runs in the builder.
 */
export function gatherLibraries(venv: string): string {
  return [
    `find ${venv} -name '*.so*' -type f -exec ldd {} + 2>/dev/null`,
    "awk '/=> \\// { print $3 }'",
    'sort -u',
    "grep -vE '/(libc|libm|libdl|librt|libpthread|ld-linux[^/]*)\\.so'",
    'while read -r lib; do ' +
      'dir=$(readlink -f "$(dirname "$lib")"); ' +
      `mkdir -p "${RUNTIME_LIBS}$dir"; ` +
      `cp -L "$lib" "${RUNTIME_LIBS}$dir/"; ` +
      'done'
  ].join(' | ')
}
