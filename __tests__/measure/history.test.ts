import { describe, expect, test } from '@jest/globals'
import { layerInstructions } from '../../src/measure/history.js'

const made = (createdBy: string) => ({ created_by: createdBy })
const empty = (createdBy: string) => ({
  created_by: createdBy,
  empty_layer: true
})

describe('layerInstructions', () => {
  test.each([
    {
      name: 'BuildKit history, empty layers skipped',
      history: [
        { created: '2026-01-01T00:00:00Z', comment: 'Imported from -' },
        empty('WORKDIR /app'),
        made('RUN /bin/sh -c pip install -r requirements.txt # buildkit'),
        empty('ENV PATH=/app/.venv/bin'),
        made('COPY . /app # buildkit'),
        empty('CMD ["gunicorn"]')
      ],
      count: 3,
      expected: [
        'Imported from -',
        'RUN /bin/sh -c pip install -r requirements.txt # buildkit',
        'COPY . /app # buildkit'
      ]
    },
    {
      name: 'a layer-making entry without words',
      history: [{ created: '2026-01-01T00:00:00Z' }, made('COPY x /x')],
      count: 2,
      expected: [undefined, 'COPY x /x']
    },
    {
      name: 'more layers than history entries: not guessed',
      history: [made('COPY a /a')],
      count: 2,
      expected: [undefined, undefined]
    },
    {
      name: 'no history at all',
      history: undefined,
      count: 1,
      expected: [undefined]
    }
  ])('$name', ({ history, count, expected }) => {
    expect(layerInstructions({ history }, count)).toEqual(expected)
  })
})
