import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { Unzlib, zlibSync } from 'fflate';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { signalContext } from '../../tests/support/mail.js';
import { parseMessage } from './parse.js';
import {
  decodeQrCodes,
  imageSize,
  inflateBounded,
  pdfFlateImages,
  pdfJpegImages,
  type QrInput,
  type QrReader,
  type QrWork,
  qrReasons,
  urlOfQrText,
} from './qr.js';
import { createQrReader } from './qr-reader.js';
import type { MailAttachment, MessageLink, SignalContext } from './types.js';

const reader = await createQrReader(
  new Uint8Array(readFileSync(createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm'))),
);
const decode = (input: QrInput, work?: QrWork) => decodeQrCodes(input, reader, work);

/** A QR code for `https://login-secure.example.net/a`, 148×148 grey PNG (made offline, 761 bytes). */
const FIXTURE = new Uint8Array(readFileSync(new URL('./fixtures/qr-url.png', import.meta.url)));
const FIXTURE_URL = 'https://login-secure.example.net/a';

/** Version-1 QR code (21×21 modules) for the text `HELLO QR`: no link in it. */
const HELLO_QR = [
  '111111100100101111111',
  '100000101001001000001',
  '101110100100001011101',
  '101110101001001011101',
  '101110100011101011101',
  '100000101110101000001',
  '111111101010101111111',
  '000000000011100000000',
  '111110111100110101010',
  '001101010010100101111',
  '101010101001010011001',
  '110001001010000110000',
  '010100111101010010100',
  '000000001101111101011',
  '111111101100101101100',
  '100000100111111100100',
  '101110101100100111110',
  '101110101110100111100',
  '101110101011010001000',
  '100000101000000000101',
  '111111101011010000000',
];

/** Renders a module matrix as RGBA pixels with a 4-module quiet zone. */
function render(rows: readonly string[], scale: number): { data: Buffer; width: number; height: number } {
  const quiet = 4;
  const n = rows.length;
  const size = (n + 2 * quiet) * scale;
  const data = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const my = Math.floor(y / scale) - quiet;
      const mx = Math.floor(x / scale) - quiet;
      const dark = my >= 0 && my < n && mx >= 0 && mx < n && rows[my]?.[mx] === '1';
      const i = (y * size + x) * 4;
      data[i] = data[i + 1] = data[i + 2] = dark ? 0 : 255;
      data[i + 3] = 255;
    }
  }
  return { data, width: size, height: size };
}

function pngOf(image: { data: Buffer; width: number; height: number }): Uint8Array {
  const png = new pngjs.PNG({ width: image.width, height: image.height });
  image.data.copy(png.data);
  return new Uint8Array(pngjs.PNG.sync.write(png));
}

function fixtureJpeg(): Uint8Array {
  const png = pngjs.PNG.sync.read(Buffer.from(FIXTURE));
  return new Uint8Array(jpeg.encode({ data: png.data, width: png.width, height: png.height }, 90).data);
}

function attachment(filename: string, content: Uint8Array, contentType: string, inline = false): MailAttachment {
  return {
    filename,
    contentType,
    size: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
    content,
    inline,
  };
}

function ctxOf(options: {
  attachments?: MailAttachment[];
  imageSources?: string[];
  text?: string;
  links?: MessageLink[];
}): SignalContext {
  return signalContext({
    message: { subject: 'Sécurité de votre compte', text: options.text ?? '', attachments: options.attachments ?? [] },
    html: { imageSources: options.imageSources ?? [] },
    links: options.links ?? [],
  });
}

describe('decodeQrCodes', () => {
  it('decodes the PNG fixture attached to a message', async () => {
    const decoded = await decode(ctxOf({ attachments: [attachment('scan.png', FIXTURE, 'image/png')] }));
    expect(decoded).toEqual([{ url: FIXTURE_URL, text: FIXTURE_URL, source: 'attachment:scan.png' }]);
  });

  it('decodes a QR code rendered in the test, as PNG and as JPEG', async () => {
    const hello = pngOf(render(HELLO_QR, 5));
    const decoded = await decode(ctxOf({ attachments: [attachment('ticket.png', hello, 'image/png', true)] }));
    expect(decoded).toEqual([{ text: 'HELLO QR', source: 'attachment:ticket.png' }]);
    const jpg = fixtureJpeg();
    expect(imageSize(jpg)).toEqual({ width: 148, height: 148 });
    expect((await decode(ctxOf({ attachments: [attachment('qr.jpg', jpg, 'image/jpeg')] })))[0]?.url).toBe(FIXTURE_URL);
  });

  it('decodes a light-on-dark (inverted) code, which simple readers miss', async () => {
    const image = render(HELLO_QR, 5);
    for (let i = 0; i < image.data.length; i += 4) {
      for (let c = 0; c < 3; c++) image.data[i + c] = 255 - (image.data[i + c] as number);
    }
    const decoded = await decode(ctxOf({ attachments: [attachment('dark.png', pngOf(image), 'image/png')] }));
    expect(decoded).toEqual([{ text: 'HELLO QR', source: 'attachment:dark.png' }]);
  });

  it('survives a reader that rejects: the image is skipped, the others are read', async () => {
    let calls = 0;
    const flaky: QrReader = {
      read: (image) => (++calls === 1 ? Promise.reject(new Error('boom')) : reader.read(image)),
    };
    const attachments = [attachment('a.png', FIXTURE, 'image/png'), attachment('b.png', FIXTURE, 'image/png')];
    const decoded = await decodeQrCodes(ctxOf({ attachments }), flaky);
    expect(decoded).toEqual([{ url: FIXTURE_URL, text: FIXTURE_URL, source: 'attachment:b.png' }]);
  });

  it('decodes data: image sources of the HTML body', async () => {
    const src = `data:image/png;base64,${Buffer.from(FIXTURE).toString('base64')}`;
    const decoded = await decode(ctxOf({ imageSources: ['cid:logo', 'https://x.example/a.png', src] }));
    expect(decoded).toEqual([{ url: FIXTURE_URL, text: FIXTURE_URL, source: 'html:data-uri#3' }]);
  });

  it('decodes a JPEG embedded in a PDF', async () => {
    const jpg = fixtureJpeg();
    const head = Buffer.from(
      '%PDF-1.4\n1 0 obj <</Type /XObject /Subtype /Image /Filter /DCTDecode>>\nstream\r\n',
      'latin1',
    );
    const tail = Buffer.from('\nendstream\nendobj\n%%EOF\n', 'latin1');
    const pdf = new Uint8Array(Buffer.concat([head, Buffer.from(jpg), tail]));
    expect(pdfJpegImages(pdf).length).toBe(1);
    expect((await decode(ctxOf({ attachments: [attachment('scan.pdf', pdf, 'application/pdf')] })))[0]).toMatchObject({
      url: FIXTURE_URL,
      source: 'pdf:scan.pdf#1',
    });
  });

  it('decodes Flate-compressed images of a PDF (grey, and RGB with PNG predictors)', async () => {
    const png = pngjs.PNG.sync.read(Buffer.from(FIXTURE));
    const { width, height } = png;
    const grey = new Uint8Array(width * height);
    for (let i = 0; i < grey.length; i++) grey[i] = png.data[i * 4] as number;
    // RGB rows, each with PNG filter 2 (Up): the difference with the row above.
    const rgb = new Uint8Array((width * 3 + 1) * height);
    for (let y = 0; y < height; y++) {
      rgb[y * (width * 3 + 1)] = 2;
      for (let x = 0; x < width * 3; x++) {
        const v = png.data[(y * width + Math.floor(x / 3)) * 4] as number;
        const above = y > 0 ? (png.data[((y - 1) * width + Math.floor(x / 3)) * 4] as number) : 0;
        rgb[y * (width * 3 + 1) + 1 + x] = (v - above) & 0xff;
      }
    }
    const object = (n: number, dict: string, data: Uint8Array) =>
      Buffer.concat([
        Buffer.from(
          `${n} 0 obj\n<< /Type /XObject /Subtype /Image ${dict} /Length ${data.length} >>\nstream\n`,
          'latin1',
        ),
        Buffer.from(data),
        Buffer.from('\nendstream\nendobj\n', 'latin1'),
      ]);
    const greyPdf = new Uint8Array(
      Buffer.concat([
        Buffer.from('%PDF-1.5\n', 'latin1'),
        object(
          4,
          `/Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`,
          zlibSync(grey),
        ),
        Buffer.from('%%EOF\n', 'latin1'),
      ]),
    );
    expect(pdfFlateImages(greyPdf).length).toBe(1);
    expect((await decode(ctxOf({ attachments: [attachment('a.pdf', greyPdf, 'application/pdf')] })))[0]?.url).toBe(
      FIXTURE_URL,
    );
    const rgbPdf = new Uint8Array(
      Buffer.concat([
        Buffer.from('%PDF-1.5\n', 'latin1'),
        object(
          5,
          `/Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 3 /Columns ${width} >>`,
          zlibSync(rgb),
        ),
        Buffer.from('%%EOF\n', 'latin1'),
      ]),
    );
    expect((await decode(ctxOf({ attachments: [attachment('b.pdf', rgbPdf, 'application/pdf')] })))[0]?.url).toBe(
      FIXTURE_URL,
    );
    // A stream that inflates to far more than its declared size is cut at the size it declares.
    const bomb = object(
      6,
      '/Width 100 /Height 100 /ColorSpace /DeviceGray /Filter /FlateDecode',
      zlibSync(new Uint8Array(5_000_000)),
    );
    const bombPdf = new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.5\n', 'latin1'), bomb]));
    expect(pdfFlateImages(bombPdf).length).toBe(1);
  });

  it('turns PDF Flate pixels (grey, RGB, 1-bit) into exact RGBA, and refuses a truncated stream', () => {
    const side = 24;
    const pdfOf = (dict: string, data: Uint8Array) =>
      new Uint8Array(
        Buffer.concat([
          Buffer.from(
            `%PDF-1.5\n1 0 obj\n<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} ${dict} /Filter /FlateDecode /Length ${data.length} >>\nstream\n`,
            'latin1',
          ),
          Buffer.from(data),
          Buffer.from('\nendstream\nendobj\n', 'latin1'),
        ]),
      );
    const grey = Uint8Array.from({ length: side * side }, (_, i) => (i * 7) & 0xff);
    const rgb = Uint8Array.from({ length: side * side * 3 }, (_, i) => (i * 13 + 5) & 0xff);
    const bits = Uint8Array.from({ length: (side / 8) * side }, (_, i) => (i * 37) & 0xff);
    const expected = (pixel: (i: number) => [number, number, number]) =>
      Array.from({ length: side * side }, (_, i) => [...pixel(i), 255]).flat();
    const [g] = pdfFlateImages(pdfOf('/ColorSpace /DeviceGray /BitsPerComponent 8', zlibSync(grey)));
    expect([...(g?.data ?? [])]).toEqual(expected((i) => [grey[i], grey[i], grey[i]] as [number, number, number]));
    const [c] = pdfFlateImages(pdfOf('/ColorSpace /DeviceRGB /BitsPerComponent 8', zlibSync(rgb)));
    expect([...(c?.data ?? [])]).toEqual(
      expected((i) => [rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]] as [number, number, number]),
    );
    const [b] = pdfFlateImages(pdfOf('/ColorSpace /DeviceGray /BitsPerComponent 1', zlibSync(bits)));
    const bit = (i: number) =>
      (((bits[Math.floor(i / side) * (side / 8) + ((i % side) >> 3)] ?? 0) >> (7 - (i % 8))) & 1) * 255;
    expect([...(b?.data ?? [])]).toEqual(expected((i) => [bit(i), bit(i), bit(i)]));
    // Half a stream is not an image (neither inflater makes one up).
    const half = zlibSync(rgb).subarray(0, 200);
    expect(pdfFlateImages(pdfOf('/ColorSpace /DeviceRGB /BitsPerComponent 8', half))).toEqual([]);
  });

  it('inflates as fflate read in slices did, on whole, longer, shorter, truncated and damaged streams, or finds the whole image where fflate gave up on a cut stream (property)', () => {
    // The reading before native zlib was tried first: fflate in 4 KiB slices, then 1 KiB if damaged.
    const inSlices = (data: Uint8Array, expected: number, slice: number) => {
      const out = new Uint8Array(expected);
      let filled = 0;
      const inflater = new Unzlib();
      inflater.ondata = (chunk) => {
        const take = Math.min(chunk.length, expected - filled);
        out.set(chunk.subarray(0, take), filled);
        filled += take;
      };
      try {
        for (let i = 0; i < data.length && filled < expected; i += slice)
          inflater.push(data.subarray(i, Math.min(data.length, i + slice)), false);
      } catch {
        return 'damaged';
      }
      return filled === expected ? out : undefined;
    };
    const reference = (data: Uint8Array, expected: number) => {
      const first = inSlices(data, expected, 4096);
      if (first !== 'damaged') return first;
      const again = inSlices(data, expected, 1024);
      return again === 'damaged' ? undefined : again;
    };
    const stream = fc
      .tuple(fc.uint8Array({ minLength: 1, maxLength: 20_000 }), fc.integer({ min: 1, max: 4 }))
      // A small alphabet compresses, as pixels do; 4 symbols or all 256.
      .map(([bytes, bits]) => bytes.map((b) => (bits === 4 ? b : b & ((1 << bits) - 1))));
    fc.assert(
      fc.property(
        stream,
        fc.integer({ min: -50, max: 50 }),
        fc.oneof(
          fc.constant({ kind: 'whole' as const }),
          fc.record({ kind: fc.constant('truncated' as const), at: fc.nat() }),
          fc.record({ kind: fc.constant('damaged' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
          fc.record({ kind: fc.constant('trailing' as const), junk: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
        ),
        (pixels, delta, change) => {
          let data = zlibSync(pixels);
          if (change.kind === 'truncated') data = data.subarray(0, change.at % data.length);
          if (change.kind === 'damaged') {
            data = data.slice();
            const at = change.at % data.length;
            data[at] = (data[at] ?? 0) ^ change.xor;
          }
          if (change.kind === 'trailing') data = new Uint8Array([...data, ...change.junk]);
          const expected = Math.max(1, pixels.length + delta);
          const got = inflateBounded(data, expected);
          const want = reference(data, expected);
          if (want !== undefined || got === undefined) {
            expect(got === undefined ? undefined : [...got]).toEqual(want === undefined ? undefined : [...want]);
          } else {
            // zlib hands back what a stream cut short of its last bytes (end of block, checksum)
            // holds, which fflate kept back: only ever the image's own first bytes.
            expect(expected).toBeLessThanOrEqual(pixels.length);
            expect([...got]).toEqual([...pixels.subarray(0, expected)]);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('charges its budget before decoding: many PDFs of large blank images cost a bounded amount of work', async () => {
    const side = 1224;
    const white = zlibSync(new Uint8Array(side * side * 3).fill(255), { level: 9 });
    const object = (n: number) =>
      Buffer.concat([
        Buffer.from(
          `${n} 0 obj\n<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length ${white.length} >>\nstream\n`,
          'latin1',
        ),
        Buffer.from(white),
        Buffer.from('\nendstream\nendobj\n', 'latin1'),
      ]);
    const pdf = new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.4\n'), object(1), object(2), object(3)]));
    const attachments = Array.from({ length: 30 }, (_, i) => attachment(`f${i}.pdf`, pdf, 'application/pdf'));
    const work = { decoded: 0, pixels: 0, pdfs: 0 };
    expect(await decode(ctxOf({ attachments }), work)).toEqual([]);
    // 1224×1224 is 1.5 Mpx: one image fits the 2 Mpx budget, the other 89 are never inflated.
    expect(work.decoded).toBe(1);
    expect(work.pixels).toBeLessThanOrEqual(2_000_000);
    expect(work.pdfs).toBeLessThanOrEqual(3);
  });

  it('reads a whole e-mail end to end', async () => {
    const b64 = Buffer.from(FIXTURE).toString('base64').replace(/.{76}/g, '$&\r\n');
    const raw = [
      'From: "IT" <it@example.net>',
      'To: a@example.org',
      'Subject: MFA',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Scannez le code QR ci-joint avec votre téléphone pour réactiver la double authentification.',
      '--b',
      'Content-Type: image/png; name="qr.png"',
      'Content-Disposition: attachment; filename="qr.png"',
      'Content-Transfer-Encoding: base64',
      '',
      b64,
      '--b--',
      '',
    ].join('\r\n');
    const message = await parseMessage(Buffer.from(raw));
    const ctx: SignalContext = { ...ctxOf({}), message };
    const decoded = await decode(ctx);
    expect(decoded.map((d) => d.url)).toEqual([FIXTURE_URL]);
    const [reason] = qrReasons(ctx, decoded);
    expect(reason?.code).toBe('mail.qr.url');
    expect(reason?.weight).toBe(3.5);
    expect(reason?.data?.asksToScan).toBe(true);
  });

  it('skips tiny images, oversized images and broken bytes', async () => {
    const tiny = pngOf(render(['1'], 2)); // 18×18
    const huge = new Uint8Array(FIXTURE);
    new DataView(huge.buffer).setUint32(16, 5000);
    new DataView(huge.buffer).setUint32(20, 5000);
    const broken = FIXTURE.slice(0, 200);
    const decoded = await decode(
      ctxOf({
        attachments: [
          attachment('tiny.png', tiny, 'image/png'),
          attachment('huge.png', huge, 'image/png'),
          attachment('broken.png', broken, 'image/png'),
        ],
      }),
    );
    expect(decoded).toEqual([]);
  });

  it('never throws on arbitrary bytes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), async (bytes, asPng) => {
        const content = asPng ? new Uint8Array([...FIXTURE.subarray(0, 33), ...bytes]) : bytes;
        await decode(
          ctxOf({
            attachments: [attachment('x.png', content, 'image/png')],
            imageSources: [`data:image/jpeg;base64,${Buffer.from(bytes).toString('base64')}`],
          }),
        );
        imageSize(bytes);
        pdfJpegImages(bytes);
        const pdf = Buffer.concat([
          Buffer.from(
            '%PDF-1.4\n1 0 obj << /Subtype /Image /Width 30 /Height 30 /ColorSpace /DeviceGray /Filter /FlateDecode >>\nstream\n',
          ),
          Buffer.from(bytes),
        ]);
        pdfFlateImages(new Uint8Array(pdf));
      }),
      { numRuns: 200 },
    );
  });
});

describe('urlOfQrText', () => {
  it('finds links in QR payloads', () => {
    expect(urlOfQrText('https://a.example/x?y=1')).toBe('https://a.example/x?y=1');
    expect(urlOfQrText('URLTO:evil.example/login')).toBe('http://evil.example/login');
    expect(urlOfQrText('www.evil.example')).toBe('http://www.evil.example');
    expect(urlOfQrText('WIFI:S:office;T:WPA;P:secret;;')).toBeUndefined();
    expect(urlOfQrText('TICKET-12345')).toBeUndefined();
  });
});

describe('qrReasons', () => {
  const decoded = [{ url: 'https://evil.example/', text: 'https://evil.example/', source: 'attachment:qr.png' }];
  const manyLinks: MessageLink[] = ['a', 'b', 'c'].map((x) => ({ href: `https://${x}.example/`, source: 'html' }));

  it('is moderate alone, stronger with few links or a request to scan', () => {
    const alone = qrReasons(ctxOf({ links: manyLinks, text: 'Newsletter.' }), decoded);
    expect(alone[0]?.weight).toBe(1.5);
    const fewLinks = qrReasons(ctxOf({ text: 'Bonjour.' }), decoded);
    expect(fewLinks[0]?.weight).toBe(2.5);
    const scan = qrReasons(ctxOf({ links: manyLinks, text: 'Please scan the QR code with your phone.' }), decoded);
    expect(scan[0]?.weight).toBe(2.5);
    expect(scan[0]?.message.fr).toContain('https://evil.example/');
  });

  it('ignores the QR links themselves when counting links, and codes without a link', () => {
    const qrLink: MessageLink = { href: 'https://evil.example/', source: 'qr' };
    expect(qrReasons(ctxOf({ links: [qrLink] }), decoded)[0]?.data?.otherLinks).toBe(0);
    expect(qrReasons(ctxOf({}), [{ text: 'HELLO QR', source: 'attachment:t.png' }])).toEqual([]);
  });
});
