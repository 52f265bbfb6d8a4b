/** The contract accepts at most 28 M base64 characters: 20 MB of image. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

export class ImageFileError extends Error {
  override readonly name = 'ImageFileError';
}

/** The bytes of a picked or dropped image file as base64 (without the data: prefix). */
export async function readImageFile(file: File): Promise<{ base64: string; name: string }> {
  if (file.type && !file.type.startsWith('image/')) {
    throw new ImageFileError(`${file.name} is not an image (${file.type})`);
  }
  if (file.size > MAX_IMAGE_BYTES) {
    throw new ImageFileError(`${file.name} is ${(file.size / 1e6).toFixed(1)} MB; images up to 20 MB can be used`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return { base64: btoa(binary), name: file.name };
}
