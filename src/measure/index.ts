export {
  measureSavedImage,
  ImageArchiveError,
  type ImageMeasurement,
  type LayerMeasurement,
  type MeasureOptions
} from './image-size.js'
export type { LayerContents, PathSize } from './layer-contents.js'
export {
  readTar,
  TarFormatError,
  type TarEntry,
  type TarEntryType,
  type TarHeader
} from './tar.js'
