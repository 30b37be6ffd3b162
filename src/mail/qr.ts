/**
 * QR codes in a message ("quishing"): the link hides in a picture that mail filters do not
 * read and that the reader opens on a phone, outside the company's protection. Decodes QR
 * codes in PNG and JPEG attachments (inline ones too), in `data:image/...;base64` sources of
 * the HTML, and in the images of PDF attachments (JPEG, and Flate-compressed pixels), with an
 * injected reader (ZXing compiled to WebAssembly, qr-reader.ts). Bounded: image count,
 * pixels per image and per message (charged from the declared size, before anything is decoded
 * or inflated), bytes per source, PDF attachments searched; tiny images (tracking pixels) skipped.
 */
import { inflateSync, constants as zlibConstants } from 'node:zlib';
import { Unzlib } from 'fflate';
import { intentText } from './intent.js';
import { PhraseMatcher, wordTokens } from './phrases.js';
import { escapeUnsafe, safeText } from './text.js';
import type { MailAttachment, Reason, SignalContext } from './types.js';

export const QR_LIMITS = {
  /** Images decoded per message. */
  maxImages: 10,
  /**
   * Pixels of one image (larger ones are not decoded): the QR codes of lures are generated
   * images or screenshots, not photos, and pixels cost memory before they cost time.
   */
  maxPixels: 1_500_000,
  /** Pixels decoded per message, all images together. */
  maxTotalPixels: 2_000_000,
  /** Smallest side worth decoding (a version-1 QR code is 21 modules). */
  minSide: 21,
  /** Encoded bytes of one image source. */
  maxImageBytes: 8 * 1024 * 1024,
  /** Bytes of a PDF searched for embedded JPEG images, and images taken from one PDF. */
  maxPdfBytes: 8 * 1024 * 1024,
  maxPdfImages: 3,
  /** Characters of decoded text kept. */
  maxTextLength: 2000,
} as const;

export interface DecodedQr {
  /** The link the code carries, when it carries one. */
  readonly url?: string;
  readonly text: string;
  /** Where it was found: `attachment:<name>`, `html:data-uri#<n>`, `pdf:<name>#<n>`. */
  readonly source: string;
}

/** RGBA pixels, four bytes a pixel. */
export interface RawImage {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** An image handed to a QR reader: encoded bytes (PNG or JPEG), or pixels. */
export type QrImage =
  | { readonly kind: 'encoded'; readonly bytes: Uint8Array }
  | { readonly kind: 'pixels'; readonly image: RawImage };

/**
 * Reads the QR codes of one image: their texts, none for an image that has none or cannot
 * be decoded. Never rejects. Injected, so that the engine reads no file and loads no code:
 * the product's reader is ZXing compiled to WebAssembly (`createQrReader` in qr-reader.ts).
 */
export interface QrReader {
  read(image: QrImage): Promise<readonly string[]>;
}

/**
 * An image found in the message, not decoded yet: its size as its header or PDF dictionary
 * declares it (what the budget is charged from), and how to get it for the reader.
 */
interface ImageCandidate {
  readonly width: number;
  readonly height: number;
  readonly source: string;
  /** The image for the reader (inflating PDF pixels): called only once the budget has accepted it. */
  readonly image: () => QrImage | undefined;
}

/** What decodeQrCodes did, for callers and tests that check its bounds. */
export interface QrWork {
  /** Images whose pixels were decoded or inflated. */
  decoded: number;
  /** Declared pixels of those images. */
  pixels: number;
  /** PDF attachments examined. */
  pdfs: number;
}

/** What decodeQrCodes reads; a SignalContext fits. */
export interface QrInput {
  readonly message: { readonly attachments: readonly MailAttachment[] };
  readonly html: { readonly imageSources: readonly string[] };
}

function isPng(b: Uint8Array): boolean {
  return b.length > 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
}
function isJpeg(b: Uint8Array): boolean {
  return b.length > 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}
function isPdf(b: Uint8Array): boolean {
  return b.length > 5 && b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46;
}

/** Width and height from the header, without decoding (PNG IHDR, JPEG SOF marker). */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (isPng(bytes)) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (!isJpeg(bytes)) return undefined;
  let p = 2;
  for (let guard = 0; guard < 1000 && p + 9 < bytes.length; guard++) {
    if (bytes[p] !== 0xff) return undefined;
    const marker = bytes[p + 1] as number;
    if (marker === 0xff) {
      p++;
      continue;
    }
    const length = ((bytes[p + 2] as number) << 8) | (bytes[p + 3] as number);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      return {
        height: ((bytes[p + 5] as number) << 8) | (bytes[p + 6] as number),
        width: ((bytes[p + 7] as number) << 8) | (bytes[p + 8] as number),
      };
    }
    if (marker === 0xd9 || marker === 0xda) return undefined;
    p += 2 + length;
  }
  return undefined;
}

/** The link a QR payload carries: an http(s) URL, `URLTO:`/`URL:` forms, or `www.`. */
export function urlOfQrText(text: string): string | undefined {
  const t = text.trim();
  const match = /(?:https?:\/\/|www\.)[^\s"'<>]{1,2000}/i.exec(t);
  if (match) return /^www\./i.test(match[0]) ? `http://${match[0]}` : match[0];
  const bare =
    /^(?:urlto:|url:)?([a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,10}\.[a-z]{2,24}(?:[/?#][^\s]{0,2000})?)$/i.exec(t);
  return bare ? `http://${bare[1]}` : undefined;
}

/** JPEG images embedded in a PDF (DCTDecode streams are plain JPEG files). */
export function pdfJpegImages(pdf: Uint8Array): Uint8Array[] {
  const images: Uint8Array[] = [];
  const limit = Math.min(pdf.length, QR_LIMITS.maxPdfBytes);
  let p = 0;
  while (images.length < QR_LIMITS.maxPdfImages && p < limit - 3) {
    const start = pdf.indexOf(0xff, p);
    if (start < 0 || start >= limit - 3) break;
    if (pdf[start + 1] === 0xd8 && pdf[start + 2] === 0xff && isPdfStreamStart(pdf, start)) {
      const size = imageSize(pdf.subarray(start, Math.min(limit, start + 65_536)));
      if (size) {
        const end = findEndOfImage(pdf, start, Math.min(limit, start + QR_LIMITS.maxImageBytes));
        images.push(pdf.subarray(start, end));
        p = end;
        continue;
      }
    }
    p = start + 1;
  }
  return images;
}

/** The JPEG starts right after a `stream` keyword (and its line break). */
function isPdfStreamStart(pdf: Uint8Array, at: number): boolean {
  let q = at - 1;
  while (q >= 0 && at - q <= 2 && (pdf[q] === 0x0a || pdf[q] === 0x0d)) q--;
  return q >= 5 && String.fromCharCode(...pdf.subarray(q - 5, q + 1)) === 'stream';
}

function findEndOfImage(pdf: Uint8Array, start: number, limit: number): number {
  // `endstream` closes it; the JPEG end marker is just before.
  const needle = [0x65, 0x6e, 0x64, 0x73, 0x74, 0x72, 0x65, 0x61, 0x6d];
  let i = pdf.indexOf(0x65, start);
  while (i >= 0 && i < limit) {
    let ok = true;
    for (let j = 1; j < needle.length; j++) {
      if (pdf[i + j] !== needle[j]) {
        ok = false;
        break;
      }
    }
    if (ok) return i;
    i = pdf.indexOf(0x65, i + 1);
  }
  return limit;
}

/** Bytes of a PDF stream's dictionary looked at, backwards from its `stream` keyword. */
const PDF_DICT_WINDOW = 1500;
/** Streams of one PDF examined, and compressed bytes of one image stream inflated. */
const PDF_MAX_STREAMS = 400;
const PDF_MAX_FLATE_BYTES = 2 * 1024 * 1024;

function latin1(bytes: Uint8Array, start: number, end: number): string {
  const from = Math.max(0, start);
  const to = Math.min(end, bytes.length);
  return to > from ? Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1') : '';
}

function dictNumber(dict: string, key: string): number | undefined {
  const m = new RegExp(`/${key}\\s*(\\d{1,7})(?![\\d.]|\\s+\\d+\\s+R)`).exec(dict);
  return m ? Number(m[1]) : undefined;
}

/**
 * Inflates a zlib stream into exactly `expected` bytes, stopping there: a bomb costs little more.
 * Node's zlib first (native, about four times faster than fflate fed in slices), told to stop
 * past `expected` bytes and to hand back what a truncated stream holds: a stream of exactly the
 * declared size, or a shorter one, is answered there (a stream cut after its last pixel, before
 * its checksum, still gives the image, which fflate kept back). A longer or damaged stream is read with
 * fflate in slices, which keeps the first `expected` bytes of it: 4 KiB slices (one inflates
 * to at most ~1,000 times its size; fflate copies its 32 KiB window and grows a buffer on every
 * push, which made 1 KiB slices four times slower), then, if damaged, 1 KiB slices, so that
 * what was read before the damage counts exactly as it always did.
 */
export function inflateBounded(data: Uint8Array, expected: number): Uint8Array | undefined {
  try {
    const out = inflateSync(data, { maxOutputLength: expected, finishFlush: zlibConstants.Z_SYNC_FLUSH });
    if (out.length <= expected) return out.length === expected ? out : undefined;
  } catch {
    // More than `expected` bytes, or damaged: the slices below keep the part that counts.
  }
  const pixels = inflateInSlices(data, expected, 4096);
  if (pixels !== 'damaged') return pixels;
  const again = inflateInSlices(data, expected, 1024);
  return again === 'damaged' ? undefined : again;
}

/** The first `expected` bytes; `undefined` when the stream is shorter, `damaged` when it throws first. */
function inflateInSlices(data: Uint8Array, expected: number, slice: number): Uint8Array | 'damaged' | undefined {
  const out = new Uint8Array(expected);
  let filled = 0;
  const inflater = new Unzlib();
  inflater.ondata = (chunk) => {
    const take = Math.min(chunk.length, expected - filled);
    out.set(chunk.subarray(0, take), filled);
    filled += take;
  };
  try {
    for (let i = 0; i < data.length && filled < expected; i += slice) {
      inflater.push(data.subarray(i, Math.min(data.length, i + slice)), false);
    }
  } catch {
    return 'damaged';
  }
  return filled === expected ? out : undefined;
}

/** Undoes PNG row predictors (PDF /Predictor 10–15); `rows` include their filter byte. */
function unpredict(rows: Uint8Array, rowBytes: number, height: number, bpp: number): Uint8Array | undefined {
  const out = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const filter = rows[y * (rowBytes + 1)] as number;
    const src = y * (rowBytes + 1) + 1;
    const dst = y * rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const raw = rows[src + x] as number;
      const left = x >= bpp ? (out[dst + x - bpp] as number) : 0;
      const up = y > 0 ? (out[dst - rowBytes + x] as number) : 0;
      const upLeft = y > 0 && x >= bpp ? (out[dst - rowBytes + x - bpp] as number) : 0;
      let value: number;
      if (filter === 0) value = raw;
      else if (filter === 1) value = raw + left;
      else if (filter === 2) value = raw + up;
      else if (filter === 3) value = raw + ((left + up) >> 1);
      else if (filter === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - upLeft);
        value = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      } else return undefined;
      out[dst + x] = value & 0xff;
    }
  }
  return out;
}

/**
 * Images a PDF stores as Flate-compressed pixels (grey or RGB, 8 bits, or 1-bit grey), as
 * lazy candidates: the dictionary is read for the declared size, nothing is inflated until
 * `image()` is called. At most QR_LIMITS.maxPdfImages per PDF.
 */
export function* pdfFlateCandidates(pdf: Uint8Array, name = 'pdf'): Generator<ImageCandidate> {
  const limit = Math.min(pdf.length, QR_LIMITS.maxPdfBytes);
  const buffer = Buffer.from(pdf.buffer, pdf.byteOffset, limit);
  let p = buffer.indexOf('stream', 0, 'latin1');
  let found = 0;
  for (let streams = 0; p >= 0 && streams < PDF_MAX_STREAMS && found < QR_LIMITS.maxPdfImages; ) {
    const after = pdf[p + 6];
    // "endstream" or "streamfoo" are not the start of a stream.
    if (pdf[p - 1] === 0x64 || (after !== 0x0a && after !== 0x0d)) {
      p = buffer.indexOf('stream', p + 6, 'latin1');
      continue;
    }
    streams++;
    let start = p + 6;
    if (pdf[start] === 0x0d) start++;
    if (pdf[start] === 0x0a) start++;
    const window = latin1(pdf, p - PDF_DICT_WINDOW, p);
    const dict = window.slice(Math.max(0, window.lastIndexOf(' obj')));
    const layout = flateLayout(dict);
    if (layout) {
      found++;
      const at = start;
      yield {
        width: layout.width,
        height: layout.height,
        source: `${name}#${found}`,
        image: () => {
          const pixels = flateImage(pdf, layout, at, limit);
          return pixels ? { kind: 'pixels', image: pixels } : undefined;
        },
      };
    }
    p = buffer.indexOf('stream', start, 'latin1');
  }
}

/** The Flate images of a PDF, decoded (all of them, within the per-PDF limits). */
export function pdfFlateImages(pdf: Uint8Array): RawImage[] {
  const images: RawImage[] = [];
  for (const candidate of pdfFlateCandidates(pdf)) {
    const image = candidate.image();
    if (image?.kind === 'pixels') images.push(image.image);
  }
  return images;
}

interface FlateLayout {
  readonly width: number;
  readonly height: number;
  readonly bpc: number;
  readonly colors: number;
  readonly predictor: number;
  readonly length: number | undefined;
}

/** What an image stream's dictionary declares, when it is an image this module can decode. */
function flateLayout(dict: string): FlateLayout | undefined {
  if (!/\/Subtype\s*\/Image/.test(dict) || !/\/FlateDecode/.test(dict) || /\/DCTDecode|\/ImageMask\s+true/.test(dict))
    return undefined;
  const width = dictNumber(dict, 'Width') ?? 0;
  const height = dictNumber(dict, 'Height') ?? 0;
  const bpc = dictNumber(dict, 'BitsPerComponent') ?? 8;
  const colors = /\/ColorSpace\s*\/DeviceRGB/.test(dict) ? 3 : /\/ColorSpace\s*\/DeviceGray/.test(dict) ? 1 : 0;
  if (colors === 0 || (bpc !== 8 && !(bpc === 1 && colors === 1))) return undefined;
  if (width < QR_LIMITS.minSide || height < QR_LIMITS.minSide || width * height > QR_LIMITS.maxPixels) return undefined;
  const predictor = dictNumber(dict, 'Predictor') ?? 1;
  if (predictor > 1 && predictor < 10) return undefined;
  return { width, height, bpc, colors, predictor, length: dictNumber(dict, 'Length') };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function flateImage(pdf: Uint8Array, layout: FlateLayout, start: number, limit: number): RawImage | undefined {
  const { width, height, bpc, colors, predictor, length } = layout;
  const rowBytes = Math.ceil((width * colors * bpc) / 8);
  const expected = (rowBytes + (predictor >= 10 ? 1 : 0)) * height;
  const end = Math.min(limit, start + Math.min(length ?? PDF_MAX_FLATE_BYTES, PDF_MAX_FLATE_BYTES));
  const inflated = inflateBounded(pdf.subarray(start, end), expected);
  if (!inflated) return undefined;
  const pixels = predictor >= 10 ? unpredict(inflated, rowBytes, height, Math.max(1, (colors * bpc) >> 3)) : inflated;
  if (!pixels) return undefined;
  const data = new Uint8ClampedArray(width * height * 4);
  // One 32-bit store a pixel (R, G, B, A in memory order on a little-endian machine: all that
  // Node runs on in practice; the byte-wise loop stays for the others).
  const words = LITTLE_ENDIAN ? new Uint32Array(data.buffer) : undefined;
  for (let y = 0; y < height; y++) {
    const row = y * rowBytes;
    const first = y * width;
    if (words && bpc === 1) {
      for (let x = 0; x < width; x++) {
        words[first + x] = ((pixels[row + (x >> 3)] as number) >> (7 - (x & 7))) & 1 ? 0xffffffff : 0xff000000;
      }
    } else if (words && colors === 1) {
      for (let x = 0; x < width; x++) words[first + x] = 0xff000000 | ((pixels[row + x] as number) * 0x010101);
    } else if (words) {
      for (let x = 0, i = row; x < width; x++, i += 3) {
        words[first + x] =
          (0xff000000 |
            ((pixels[i + 2] as number) << 16) |
            ((pixels[i + 1] as number) << 8) |
            (pixels[i] as number)) >>>
          0;
      }
    } else {
      for (let x = 0; x < width; x++) {
        const o = (first + x) * 4;
        if (bpc === 1) {
          const bit = ((pixels[row + (x >> 3)] as number) >> (7 - (x & 7))) & 1;
          data[o] = data[o + 1] = data[o + 2] = bit ? 255 : 0;
        } else if (colors === 1) {
          data[o] = data[o + 1] = data[o + 2] = pixels[row + x] as number;
        } else {
          const i = row + x * 3;
          data[o] = pixels[i] as number;
          data[o + 1] = pixels[i + 1] as number;
          data[o + 2] = pixels[i + 2] as number;
        }
        data[o + 3] = 255;
      }
    }
  }
  return { data, width, height };
}

function dataUriBytes(uri: string): Uint8Array | undefined {
  const m = /^data:image\/(?:png|jpe?g|pjpeg);base64,/i.exec(uri.slice(0, 64).trimStart());
  if (!m) return undefined;
  const payload = uri.trimStart().slice(m[0].length);
  if (payload.length > (QR_LIMITS.maxImageBytes * 4) / 3) return undefined;
  try {
    return new Uint8Array(Buffer.from(payload, 'base64'));
  } catch {
    return undefined;
  }
}

/** PDF attachments searched for images per message: a lure needs one, a bomb brings dozens. */
export const MAX_PDF_ATTACHMENTS = 3;

/** An encoded PNG or JPEG as a candidate sized from its header; undefined when the header says nothing. */
function encodedCandidate(bytes: Uint8Array, source: string): ImageCandidate | undefined {
  const size = imageSize(bytes);
  if (!size) return undefined;
  return { width: size.width, height: size.height, source, image: () => ({ kind: 'encoded', bytes }) };
}

/**
 * The message's images, lazily: nothing is decoded or inflated here, and a PDF is searched
 * only when the caller asks for more images (at most MAX_PDF_ATTACHMENTS of them).
 */
function* imageCandidates(input: QrInput, work: QrWork): Generator<ImageCandidate> {
  for (const a of input.message.attachments) {
    if (a.content.length > QR_LIMITS.maxPdfBytes * 4) continue;
    const name = a.filename || a.contentType || 'unnamed';
    if (isPng(a.content) || isJpeg(a.content)) {
      if (a.content.length > QR_LIMITS.maxImageBytes) continue;
      const candidate = encodedCandidate(a.content, `attachment:${name}`);
      if (candidate) yield candidate;
    } else if (isPdf(a.content)) {
      if (work.pdfs >= MAX_PDF_ATTACHMENTS) continue;
      work.pdfs++;
      const jpegs = pdfJpegImages(a.content);
      for (const [i, bytes] of jpegs.entries()) {
        const candidate = encodedCandidate(bytes, `pdf:${name}#${i + 1}`);
        if (candidate) yield candidate;
      }
      for (const candidate of pdfFlateCandidates(a.content, `pdf:${name}`)) {
        const n = Number(candidate.source.slice(candidate.source.lastIndexOf('#') + 1));
        yield { ...candidate, source: `pdf:${name}#${jpegs.length + n}` };
      }
    }
  }
  for (const [i, src] of input.html.imageSources.entries()) {
    if (!/^\s*data:image\//i.test(src.slice(0, 32))) continue;
    const bytes = dataUriBytes(src);
    const candidate = bytes ? encodedCandidate(bytes, `html:data-uri#${i + 1}`) : undefined;
    if (candidate) yield candidate;
  }
}

/**
 * Decodes the QR codes of a message's images with `reader`, within QR_LIMITS. Never throws.
 * The budget (image count, total pixels) is charged from each image's declared size before
 * any byte of it is decoded or inflated; `work`, when given, receives what was actually done.
 */
export async function decodeQrCodes(
  input: QrInput,
  reader: QrReader,
  work: QrWork = { decoded: 0, pixels: 0, pdfs: 0 },
): Promise<DecodedQr[]> {
  const decoded: DecodedQr[] = [];
  const seen = new Set<string>();
  let images = 0;
  let pixels = 0;
  for (const candidate of imageCandidates(input, work)) {
    if (images >= QR_LIMITS.maxImages) break;
    const { source } = candidate;
    const area = candidate.width * candidate.height;
    if (candidate.width < QR_LIMITS.minSide || candidate.height < QR_LIMITS.minSide || area > QR_LIMITS.maxPixels)
      continue;
    if (pixels + area > QR_LIMITS.maxTotalPixels) continue;
    images++;
    pixels += area;
    work.decoded++;
    work.pixels += area;
    const image = candidate.image();
    if (!image) continue;
    let texts: readonly string[] = [];
    try {
      texts = await reader.read(image);
    } catch {
      // A reader that breaks its promise not to reject costs this image, not the message.
    }
    for (const found of texts) {
      const text = found.slice(0, QR_LIMITS.maxTextLength);
      if (text.length === 0 || seen.has(text)) continue;
      seen.add(text);
      const url = urlOfQrText(text);
      decoded.push(url ? { url, text, source } : { text, source });
    }
  }
  return decoded;
}

const SCAN_REQUEST = new PhraseMatcher([
  '(scan|scanning) (the|this|our|a|that|below)? (qr|qr code|code|barcode)',
  '(scan|use) (it )?(with|using) (your|a) (phone|smartphone|mobile|mobile device|camera|phone camera|phone s camera)',
  '(scan|scanning) (to|and) (verify|confirm|sign|log|login|access|view|pay|update|continue|complete|download|review|secure|reactivate)',
  '(scannez|scanner|scannant|flashez|flasher|flashant|scanne|flashe) (le|ce|ci dessous le|ce qr|le qr)? (code|qr|qr code|qrcode)',
  '(scannez|scanner|flashez|flasher) (avec|a l aide de) (votre|un|l appareil photo de votre) (telephone|smartphone|mobile|appareil photo)',
  '(qr code|qrcode|code qr) (ci dessous|below|ci joint|attached|above|ci dessus)',
  '(appareil photo|camera) (de votre|of your) (telephone|smartphone|phone|mobile)',
]);

/** "Scan the QR code", "scannez le code QR": the message asks to open it on a phone. */
export function asksToScan(ctx: SignalContext): boolean {
  return SCAN_REQUEST.match(wordTokens(intentText(ctx)), 1).length > 0;
}

/** Quishing: a QR code carrying a link; stronger when there are few other links or the text asks to scan. */
export function qrReasons(ctx: SignalContext, decoded: readonly DecodedQr[]): Reason[] {
  const withUrl = decoded.filter((d) => d.url !== undefined);
  if (withUrl.length === 0) return [];
  const first = withUrl[0] as DecodedQr & { url: string };
  const otherLinks = ctx.links.filter((l) => l.source !== 'qr').length;
  const fewLinks = otherLinks <= 1;
  const scan = asksToScan(ctx);
  const weight = Math.min(3.5, 1.5 + (fewLinks ? 1.0 : 0) + (scan ? 1.0 : 0));
  // The code's text is the attacker's: no control or bidi characters in what is shown.
  const shown = safeText(first.url, 120);
  const extraFr = [
    fewLinks ? 'le message ne contient presque aucun autre lien' : '',
    scan ? 'il vous demande de le scanner avec votre téléphone' : '',
  ].filter(Boolean);
  const extraEn = [
    fewLinks ? 'the message has almost no other link' : '',
    scan ? 'it asks you to scan it with your phone' : '',
  ].filter(Boolean);
  return [
    {
      code: 'mail.qr.url',
      category: 'qr',
      weight,
      message: {
        fr: `Un QR code du message mène à ${shown} : un lien caché dans une image échappe aux filtres et s’ouvre sur votre téléphone, hors de la protection de l’entreprise${extraFr.length ? ` ; ${extraFr.join(' et ')}` : ''}.`,
        en: `A QR code in the message leads to ${shown}: a link hidden in a picture escapes mail filters and opens on your phone, outside company protection${extraEn.length ? `; ${extraEn.join(' and ')}` : ''}.`,
      },
      data: {
        url: escapeUnsafe(first.url.slice(0, 2000)),
        source: escapeUnsafe(first.source.slice(0, 300)),
        count: withUrl.length,
        otherLinks,
        asksToScan: scan,
      },
    },
  ];
}
