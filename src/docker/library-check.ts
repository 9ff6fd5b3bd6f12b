import { StepFailure } from '../errors.js'
import { VENV } from '../generate/dockerfile.js'
import { type DockerCli, tail } from './cli.js'

export interface MissingLibrary {
  /** The shared object that needs it, relative to the venv. */
  file: string
  /** The library name it asks for, e.g. libpq.so.5. */
  library: string
}

export interface LibraryCheck {
  /** How many shared objects in the venv were read. */
  checked: number
  missing: MissingLibrary[]
}

/**
 * Reads every shared object in the venv, inside the optimized image, and
 * lists the libraries (ELF DT_NEEDED) that the runtime cannot resolve.
 * A table of known packages misses what this catches: a wheel linked
 * against a library the builder had and the runtime lacks.
 */
export async function checkSharedLibraries(
  docker: DockerCli,
  image: string
): Promise<LibraryCheck> {
  const result = await docker.run(
    ['--rm', '--entrypoint', `${VENV}/bin/python`, image, '-c', SCRIPT, VENV],
    120
  )
  const line = result.output.trim().split('\n').at(-1) ?? ''
  if (result.exitCode !== 0 || !line.startsWith('{')) {
    throw new StepFailure(
      `Could not check the shared libraries of ${image}: ` +
        tail(result.output, 5)
    )
  }
  return JSON.parse(line) as LibraryCheck
}

// Runs under the image's own Python (a distroless image has no shell, no
// ldd). It reads section headers only, never loads a library, so nothing
// in the project runs.
const SCRIPT = String.raw`
import glob, json, os, platform, struct, sys

root = sys.argv[1]
arch = {'x86_64': 'x86_64-linux-gnu', 'aarch64': 'aarch64-linux-gnu'}.get(
    platform.machine(), platform.machine() + '-linux-gnu')
system_dirs = ['/lib/' + arch, '/usr/lib/' + arch, '/lib64', '/usr/lib64',
               '/lib', '/usr/lib', '/usr/local/lib']
for conf in glob.glob('/etc/ld.so.conf.d/*.conf'):
    with open(conf) as f:
        system_dirs += [l.strip() for l in f
                        if l.strip().startswith('/')]
system_dirs += [d for d in os.environ.get('LD_LIBRARY_PATH', '').split(':')
                if d]

def read_dynamic(path):
    with open(path, 'rb') as f:
        ident = f.read(16)
        if ident[:4] != b'\x7fELF':
            return None
        wide, e = ident[4] == 2, '<' if ident[5] == 1 else '>'
        f.seek(0x28 if wide else 0x20)
        shoff = struct.unpack(e + ('Q' if wide else 'I'),
                              f.read(8 if wide else 4))[0]
        f.seek(0x3A if wide else 0x2E)
        shentsize, shnum = struct.unpack(e + 'HH', f.read(4))
        def section(i):
            f.seek(shoff + i * shentsize)
            raw = f.read(shentsize)
            if wide:
                _, kind, _, _, off, size, link = struct.unpack_from(
                    e + 'IIQQQQI', raw)
            else:
                _, kind, _, _, off, size, link = struct.unpack_from(
                    e + 'IIIIIII', raw)
            return kind, off, size, link
        for i in range(shnum):
            kind, off, size, link = section(i)
            if kind != 6:  # SHT_DYNAMIC
                continue
            _, str_off, str_size, _ = section(link)
            f.seek(str_off)
            strings = f.read(str_size)
            f.seek(off)
            entry = 16 if wide else 8
            dyn = f.read(size)
            needed, paths = [], []
            for j in range(0, len(dyn) - entry + 1, entry):
                tag, val = struct.unpack_from(e + ('qQ' if wide else 'iI'),
                                              dyn, j)
                if tag == 0:
                    break
                if tag in (1, 15, 29):
                    text = strings[val:strings.index(b'\0', val)].decode()
                    (needed if tag == 1 else paths).append(text)
            return needed, paths
    return [], []

checked, missing, seen = 0, [], set()
for path in sorted(glob.glob(root + '/**/*.so*', recursive=True)):
    # A venv's lib64 links to lib: read each file once.
    real = os.path.realpath(path)
    if os.path.islink(path) or not os.path.isfile(path) or real in seen:
        continue
    seen.add(real)
    try:
        found = read_dynamic(path)
    except (OSError, struct.error, ValueError):
        continue
    if found is None:
        continue
    checked += 1
    needed, paths = found
    origin = os.path.dirname(path)
    dirs = [p.replace('$ORIGIN', origin).replace('${'${'}ORIGIN}', origin)
            for entry in paths for p in entry.split(':')] + system_dirs
    for lib in needed:
        if lib.startswith('ld-linux') or lib.startswith('libpython'):
            continue
        candidates = [lib] if '/' in lib else [os.path.join(d, lib)
                                               for d in dirs]
        if not any(os.path.exists(c) for c in candidates):
            missing.append({'file': os.path.relpath(path, root),
                            'library': lib})
print(json.dumps({'checked': checked, 'missing': missing}))
`
