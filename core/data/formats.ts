/** Image file endings Nearlab imports (lower case, without the dot). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  'jpg',
  'jpeg',
  'png',
  'webp',
  'gif',
  'tif',
  'tiff',
  'avif',
]);

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extensionOf(name));
}

/** `dir/a.jpg` → `dir/a.txt`, the sidecar caption file of an image. */
export function sidecarOf(relPath: string): string {
  const dot = relPath.lastIndexOf('.');
  return `${dot < 0 ? relPath : relPath.slice(0, dot)}.txt`;
}
