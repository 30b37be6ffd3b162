/**
 * The mail engine's QR reader for this process: ZXing's WebAssembly read once from the
 * installed package. Read from disk here, in the outer ring, so the engine does no I/O and
 * the library never fetches its binary from a CDN.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createQrReader, type QrReader } from '../mail/index.js';

let reader: Promise<QrReader> | undefined;

export function loadQrReader(): Promise<QrReader> {
  reader ??= (async () => {
    const path = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
    return createQrReader(new Uint8Array(readFileSync(path)));
  })();
  return reader;
}
