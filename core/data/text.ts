export interface DecodedText {
  text: string;
  /** 1-based numbers of lines that were not valid UTF-8; they are blanked in `text`. */
  invalidLines: number[];
}

const fatal = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes UTF-8 (a BOM is dropped). A line that is not valid UTF-8 is replaced by an empty line, so
 * line numbers stay true and the caller can report exactly which lines it skipped.
 */
export function decodeUtf8Lines(bytes: Uint8Array): DecodedText {
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return { text: fatal.decode(bytes.subarray(start)), invalidLines: [] };
  } catch {
    // fall through to line-by-line decoding
  }
  const parts: string[] = [];
  const invalidLines: number[] = [];
  let line = 1;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    try {
      parts.push(fatal.decode(bytes.subarray(start, end)));
    } catch {
      parts.push('');
      invalidLines.push(line);
    }
    start = end + 1;
    line++;
  }
  return { text: parts.join('\n'), invalidLines };
}
