/** Image formats Nearlab recognises, by the bytes of a file; whether this build decodes one is image-support.ts. */
export type ImageFormat =
  'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'avif' | 'heic' | 'svg' | 'bmp' | 'jxl' | 'jp2' | 'ico' | 'psd';

export interface FormatInfo {
  /** The format's name for the user. */
  label: string;
  /** File endings (lower case, without the dot); the first is the usual one. */
  extensions: readonly string[];
  /** What to convert it to when this build cannot decode it. */
  convertTo: 'JPEG' | 'PNG';
}

export const FORMATS: Readonly<Record<ImageFormat, FormatInfo>> = {
  jpeg: { label: 'JPEG', extensions: ['jpg', 'jpeg', 'jpe', 'jfif'], convertTo: 'PNG' },
  png: { label: 'PNG', extensions: ['png'], convertTo: 'JPEG' },
  gif: { label: 'GIF', extensions: ['gif'], convertTo: 'PNG' },
  webp: { label: 'WebP', extensions: ['webp'], convertTo: 'PNG' },
  tiff: { label: 'TIFF', extensions: ['tif', 'tiff'], convertTo: 'PNG' },
  avif: { label: 'AVIF', extensions: ['avif'], convertTo: 'JPEG' },
  heic: { label: 'HEIC', extensions: ['heic', 'heif', 'hif'], convertTo: 'JPEG' },
  svg: { label: 'SVG', extensions: ['svg'], convertTo: 'PNG' },
  bmp: { label: 'BMP', extensions: ['bmp', 'dib'], convertTo: 'PNG' },
  jxl: { label: 'JPEG XL', extensions: ['jxl'], convertTo: 'JPEG' },
  jp2: { label: 'JPEG 2000', extensions: ['jp2', 'j2k', 'jpf', 'jpx'], convertTo: 'JPEG' },
  ico: { label: 'ICO', extensions: ['ico'], convertTo: 'PNG' },
  psd: { label: 'Photoshop (PSD)', extensions: ['psd'], convertTo: 'PNG' },
};

const BY_EXTENSION: ReadonlyMap<string, ImageFormat> = new Map(
  (Object.entries(FORMATS) as [ImageFormat, FormatInfo][]).flatMap(([format, info]) =>
    info.extensions.map((ext) => [ext, format] as const),
  ),
);

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The format a file's name claims, or null when the name is not an image's. */
export function formatOfName(name: string): ImageFormat | null {
  return BY_EXTENSION.get(extensionOf(name)) ?? null;
}

/**
 * Whether the scan takes the file: every image format Nearlab recognises, so that one this build
 * cannot decode is refused by name instead of skipped without a word.
 */
export function isImageName(name: string): boolean {
  return formatOfName(name) !== null;
}

/** `dir/a.jpg` → `dir/a.txt`, the sidecar caption file of an image. */
export function sidecarOf(relPath: string): string {
  const dot = relPath.lastIndexOf('.');
  return `${dot < 0 ? relPath : relPath.slice(0, dot)}.txt`;
}
