export {
  measureSavedImage,
  ImageArchiveError,
  type ImageMeasurement,
  type LayerMeasurement,
  type MeasureOptions
} from './image-size.js'
export type { DistributionSize } from './distributions.js'
export { chooseCompression, type CompressionMethod } from './gzip-command.js'
export type { WastedBytes, WastedFile } from './image-files.js'
export type { LayerContents, PathSize } from './layer-contents.js'
export {
  loadImageMeasurement,
  loadSizeCache,
  saveImageMeasurement,
  saveSizeCache,
  sizeCachePath
} from './size-cache.js'
export {
  readTar,
  TarFormatError,
  type TarEntry,
  type TarEntryType,
  type TarHeader
} from './tar.js'
