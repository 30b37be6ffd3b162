/**
 * The product's QR reader: ZXing (C++) compiled to WebAssembly. It decodes PNG and JPEG itself
 * and finds codes about ten times faster than a JavaScript JPEG decoder followed by jsQR, and
 * more robustly (rotated, inverted, small or noisy codes). The WebAssembly binary is given by
 * the caller, who reads it from disk: by default the library would fetch it from a CDN, which
 * a self-hosted product must never do.
 */
import { prepareZXingModule, type ReaderOptions, readBarcodes } from 'zxing-wasm/reader';
import type { QrImage, QrReader } from './qr.js';

/** Symbols read from one image: a lure needs one; a wall of codes is not worth more work. */
const MAX_CODES_PER_IMAGE = 4;

const READER_OPTIONS: ReaderOptions = {
  formats: ['QRCode', 'MicroQRCode'],
  maxNumberOfSymbols: MAX_CODES_PER_IMAGE,
};

let prepared: Promise<unknown> | undefined;

/** A reader over the ZXing module, prepared once per process from `wasmBinary`. */
export async function createQrReader(wasmBinary: Uint8Array): Promise<QrReader> {
  prepared ??= prepareZXingModule({
    overrides: { wasmBinary: wasmBinary.slice().buffer },
    fireImmediately: true,
  });
  await prepared;
  return { read };
}

async function read(image: QrImage): Promise<readonly string[]> {
  try {
    const results =
      image.kind === 'encoded'
        ? await readBarcodes(image.bytes, READER_OPTIONS)
        : await readBarcodes(
            // An ImageData in all but name: Node has no ImageData class, and ZXing reads these fields.
            { ...image.image, colorSpace: 'srgb' } as unknown as Parameters<typeof readBarcodes>[0],
            READER_OPTIONS,
          );
    return results.filter((r) => r.isValid && r.text.length > 0).map((r) => r.text);
  } catch {
    return [];
  }
}
