import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export interface SecretValues {
  /** id → a file that already holds the secret (the CA bundle). */
  files: Record<string, string>
  /** id → a value to hand over in a file of its own (index URLs). */
  values: Record<string, string | undefined>
}

/**
 * BuildKit reads secrets from files: values are written to a private
 * folder for the builds and removed afterwards, whatever happens.
 */
export async function withSecretFiles<T>(
  secrets: SecretValues,
  use: (files: Record<string, string>) => Promise<T>
): Promise<T> {
  const dir = mkdtempSync(
    path.join(process.env.RUNNER_TEMP || tmpdir(), 'venvship-secrets-')
  )
  try {
    const files = { ...secrets.files }
    for (const [id, value] of Object.entries(secrets.values)) {
      if (value === undefined) continue
      const file = path.join(dir, id)
      writeFileSync(file, value, { mode: 0o600 })
      files[id] = file
    }
    return await use(files)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
