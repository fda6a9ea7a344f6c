import type { Sharp } from 'sharp';

// libvips is ~150 ms of loading that only image uploads need: loaded on the first one.
let sharpModule: Promise<typeof import('sharp')> | undefined;
const loadSharp = async () => (await (sharpModule ??= import('sharp'))).default;

/** What a client may upload as an image; anything else is refused whatever its name or declared type says. */
const ACCEPTED = new Set(['jpeg', 'png']);
// A phone photo is ≤ 50 MP; more than this is a decompression bomb, not a photo.
const MAX_PIXELS = 50_000_000;
const MAX_EDGE_PX = 2048;
const THUMB_EDGE_PX = 320;
const JPEG_QUALITY = 82;

export interface NormalisedImage {
  format: 'jpeg' | 'png';
  contentType: 'image/jpeg' | 'image/png';
  bytes: Buffer;
  thumbnail: Buffer;
}

/** The bytes are not a JPEG or PNG image (a PDF renamed .jpg, text, a truncated file). */
export class ImageRejected extends Error {}

async function formatOf(input: Buffer): Promise<'jpeg' | 'png'> {
  const sharp = await loadSharp();
  try {
    const meta = await sharp(input, { limitInputPixels: MAX_PIXELS }).metadata();
    if (meta.format && ACCEPTED.has(meta.format)) return meta.format as 'jpeg' | 'png';
  } catch {
    /* not an image sharp can read: refused below */
  }
  throw new ImageRejected('not a JPEG or PNG image');
}

/**
 * Decodes and re-encodes an upload: the output carries no metadata (EXIF GPS, time, camera; sharp drops it unless
 * asked to keep it), is turned upright by its EXIF orientation first, and is bounded in size. The format is read
 * from the bytes, never from the file name or the declared content type.
 */
export async function normaliseImage(input: Buffer, opts: { only?: 'png' } = {}): Promise<NormalisedImage> {
  const format = await formatOf(input);
  const sharp = await loadSharp();
  if (opts.only && format !== opts.only) throw new ImageRejected(`not a ${opts.only.toUpperCase()} image`);
  const base = () =>
    sharp(input, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: MAX_EDGE_PX, height: MAX_EDGE_PX, fit: 'inside', withoutEnlargement: true });
  try {
    const encode = (img: Sharp) => (format === 'png' ? img.png() : img.jpeg({ quality: JPEG_QUALITY }));
    const bytes = await encode(base()).toBuffer();
    const thumbnail = await encode(
      sharp(bytes).resize({ width: THUMB_EDGE_PX, height: THUMB_EDGE_PX, fit: 'inside' }),
    ).toBuffer();
    return { format, contentType: format === 'png' ? 'image/png' : 'image/jpeg', bytes, thumbnail };
  } catch {
    throw new ImageRejected('the image could not be decoded');
  }
}
