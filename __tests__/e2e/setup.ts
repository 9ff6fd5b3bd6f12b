import { jest } from '@jest/globals'

// Cold image builds take minutes; warm ones seconds.
jest.setTimeout(15 * 60 * 1000)
