import { measureSavedImage } from '../measure/index.js'
import type { ImageFigures, LayerFigure } from '../report/model.js'
import type { BuiltImage, DockerCli, HistoryEntry } from './cli.js'

/**
 * Streams `docker save` through the measurer: layer sizes come from the
 * exported tars, so they mean the same on every image store.
 */
export async function measureImage(
  docker: DockerCli,
  image: BuiltImage,
  role: ImageFigures['role'],
  dockerfile: string
): Promise<ImageFigures> {
  const saved = docker.save(image.tag)
  const [measured] = await Promise.all([
    measureSavedImage(saved.stream),
    saved.done
  ])
  const config = await docker.inspect(image.tag)
  const history = await docker.history(image.tag)
  return {
    role,
    tag: image.tag,
    dockerfile,
    size: measured.size,
    compressedSize: measured.compressedSize,
    engineSize: config.engineSize,
    layerCount: measured.layers.length,
    layers: attachInstructions(measured.layers, history),
    buildSeconds: image.seconds,
    user: config.user
  }
}

// History lists every instruction, layers only for those that changed the
// file system (size > 0 or a COPY/RUN/ADD): pair them from the newest end.
function attachInstructions(
  layers: { size: number; compressedSize: number }[],
  history: HistoryEntry[]
): LayerFigure[] {
  const makers = history.filter(entry => !isEmptyLayer(entry))
  const offset = makers.length - layers.length
  return layers.map((layer, index) => ({
    size: layer.size,
    compressedSize: layer.compressedSize,
    createdBy: makers[index + offset]?.createdBy
  }))
}

function isEmptyLayer(entry: HistoryEntry): boolean {
  return (
    entry.size === 0 &&
    /^(?:\/bin\/sh -c #\(nop\) )?\s*(ENV|CMD|ENTRYPOINT|EXPOSE|USER|WORKDIR|LABEL|ARG|HEALTHCHECK|STOPSIGNAL|SHELL|VOLUME|ONBUILD|MAINTAINER)\b/.test(
      entry.createdBy
    )
  )
}
