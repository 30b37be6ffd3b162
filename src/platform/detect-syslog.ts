/**
 * The syslog listener of Detect: UDP (RFC 5426, one message per datagram) and TCP (RFC 6587,
 * octet-counted or newline-framed), RFC 3164 and 5424 alike. Lines gather for `batchMs` and go
 * through the same ingest path as the HTTP API (one transaction per batch).
 *
 * What "received" means, honestly:
 * - TCP: syslog over TCP has no acknowledgement. A line counts as received once its batch is
 *   stored (`stats().stored`). While storage lags (or fails and is retried), the listener stops
 *   reading its sockets, so unsent lines wait in the sender's buffers rather than in ours. Lines
 *   already read but not yet stored — at most `batchMs` worth, and at most `maxPending` — are
 *   lost if the process is killed; a graceful close stores them first.
 * - UDP: datagrams are fire-and-forget. Those the kernel drops (socket buffer full) are never
 *   seen; those that arrive while `maxPending` lines already wait are dropped and counted
 *   (`stats().dropped`); those read but not yet stored are lost on a kill, as with TCP.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { VigieError } from '../core/index.js';
import type { DetectService } from './detect.js';

export interface DetectSyslogOptions {
  readonly detect: DetectService;
  /** `host:port` (IPv6 in brackets) for each transport; absent: that transport is off. */
  readonly udp?: string | undefined;
  readonly tcp?: string | undefined;
  /** How long lines gather before a batch is stored (ms, default 250). */
  readonly batchMs?: number;
  /** Lines per batch at most (default 1,000). */
  readonly maxBatchLines?: number;
  /** Lines waiting to be stored at most: beyond, TCP reading pauses and UDP datagrams are dropped (default 20,000). */
  readonly maxPending?: number;
  /** Longest message (bytes, default 64 KiB). */
  readonly maxMessageBytes?: number;
  /** Wait before a batch that could not be stored is tried again (ms, default 1,000). */
  readonly retryMs?: number;
  /** Open TCP connections at most (default 256): each holds a framing buffer of up to `maxMessageBytes`. */
  readonly maxConnections?: number;
  /** A TCP connection silent for this long is closed (ms, default 5 minutes): idle peers must not hold a slot forever. */
  readonly idleMs?: number;
  readonly onProblem?: (problem: { transport: 'udp' | 'tcp'; reason: string }) => void;
}

export interface DetectSyslogListener {
  /** Where each transport listens (the port is the real one when 0 was asked for). */
  readonly udp: { readonly address: string; readonly port: number } | undefined;
  readonly tcp: { readonly address: string; readonly port: number } | undefined;
  stats(): { received: number; stored: number; rejected: number; dropped: number; failures: number; pending: number };
  /** Stops listening, stores what was read, and resolves when done. */
  close(): Promise<void>;
}

/** `host:port` → parts; `[::1]:514` for IPv6. */
export function parseHostPort(value: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new VigieError('VIGIE_ERR_CONFIG', `Not a host:port: ${value}`);
  return { host: match[1] ?? match[2] ?? '', port };
}

const NEWLINE = 0x0a;
const SPACE = 0x20;
const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

/**
 * Splits a TCP stream into messages: RFC 6587 octet counting (`LEN SP MSG`) when a frame starts
 * with a digit and a length, newline framing otherwise. Messages over the limit are skipped and
 * reported, never buffered without bound.
 */
export class SyslogFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private skip = 0;
  private discardingLine = false;

  constructor(private readonly maxBytes = 64 * 1024) {}

  push(chunk: Buffer): { messages: string[]; problems: string[] } {
    const messages: string[] = [];
    const problems: string[] = [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const buf = this.buffer;
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length);
        this.buffer = buf.subarray(n);
        this.skip -= n;
        if (this.skip > 0) break;
        continue;
      }
      if (this.discardingLine) {
        const end = buf.indexOf(NEWLINE);
        if (end < 0) {
          this.buffer = Buffer.alloc(0);
          break;
        }
        this.buffer = buf.subarray(end + 1);
        this.discardingLine = false;
        continue;
      }
      if (buf.length === 0) break;
      if (isDigit(buf[0]) && buf[0] !== 0x30) {
        let i = 1;
        while (i < buf.length && i < 10 && isDigit(buf[i])) i++;
        if (i < buf.length && buf[i] === SPACE) {
          const length = Number(buf.subarray(0, i).toString('latin1'));
          const start = i + 1;
          if (length > this.maxBytes) {
            problems.push(`message of ${length} bytes is over the ${this.maxBytes}-byte limit: skipped`);
            this.buffer = buf.subarray(start);
            this.skip = length;
            continue;
          }
          if (buf.length < start + length) break;
          messages.push(
            buf
              .subarray(start, start + length)
              .toString('utf8')
              .replace(/\r?\n$/, ''),
          );
          this.buffer = buf.subarray(start + length);
          continue;
        }
        // Only digits so far: the length may still be arriving.
        if (i === buf.length && i < 10) break;
      }
      const end = buf.indexOf(NEWLINE);
      if (end < 0) {
        if (buf.length > this.maxBytes) {
          problems.push(`line over the ${this.maxBytes}-byte limit: skipped`);
          this.buffer = Buffer.alloc(0);
          this.discardingLine = true;
        }
        break;
      }
      const line = buf.subarray(0, end).toString('utf8').replace(/\r$/, '');
      if (line.trim() !== '') messages.push(line);
      this.buffer = buf.subarray(end + 1);
    }
    return { messages, problems };
  }

  /** The last message of a stream that ended without a newline. */
  end(): string[] {
    const rest = this.skip > 0 || this.discardingLine ? '' : this.buffer.toString('utf8').replace(/\r?\n?$/, '');
    this.buffer = Buffer.alloc(0);
    return rest.trim() === '' ? [] : [rest];
  }
}

export async function startDetectSyslog(options: DetectSyslogOptions): Promise<DetectSyslogListener> {
  const batchMs = options.batchMs ?? 250;
  const maxBatch = Math.min(options.maxBatchLines ?? 1000, options.detect.maxBatch);
  const maxPending = options.maxPending ?? 20_000;
  const maxBytes = options.maxMessageBytes ?? 64 * 1024;
  const retryMs = options.retryMs ?? 1000;
  const maxConnections = options.maxConnections ?? 256;
  const idleMs = options.idleMs ?? 5 * 60_000;
  const problem = options.onProblem ?? (() => undefined);
  const context = { actor: { kind: 'system' as const } };
  const counts = { received: 0, stored: 0, rejected: 0, dropped: 0, failures: 0 };
  const pending: Record<'udp' | 'tcp', string[]> = { udp: [], tcp: [] };
  const sockets = new Set<Socket>();
  let paused = false;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  /** A flush is queued or running: another request only marks it to go on, never queues one more. */
  let flushQueued = false;
  /** The last store failed: lines wait for the retry timer instead of each arrival trying again. */
  let backoff = false;
  let closed = false;

  const waiting = () => pending.udp.length + pending.tcp.length;
  const pauseIfFull = () => {
    if (!paused && waiting() >= maxPending) {
      paused = true;
      for (const s of sockets) s.pause();
    }
  };
  const resumeIfRoom = () => {
    if (paused && waiting() < maxPending / 2) {
      paused = false;
      for (const s of sockets) s.resume();
    }
  };

  async function store(transport: 'udp' | 'tcp'): Promise<boolean> {
    const lines = pending[transport].slice(0, maxBatch);
    if (lines.length === 0) return true;
    try {
      const result = await options.detect.ingest({ lines, format: 'auto', source: `syslog-${transport}` }, context);
      pending[transport].splice(0, lines.length);
      backoff = false;
      counts.stored += result.accepted;
      counts.rejected += result.rejected.length;
      for (const r of result.rejected.slice(0, 5)) problem({ transport, reason: `line not read: ${r.reason}` });
      return true;
    } catch (error) {
      counts.failures += 1;
      if (error instanceof VigieError && error.status < 500) {
        // The batch itself is refused (never expected here): retrying would refuse it again.
        pending[transport].splice(0, lines.length);
        counts.rejected += lines.length;
        problem({ transport, reason: `batch refused: ${error.message}` });
        return true;
      }
      problem({ transport, reason: `could not store ${lines.length} line(s), will retry: ${String(error)}` });
      return false;
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    // Every datagram may ask for a flush while storage is slow or failing: chaining one pass per
    // request would grow without bound and hammer the database; one queued pass is enough.
    if (flushQueued) return flushing;
    flushQueued = true;
    flushing = flushing.then(async () => {
      flushQueued = false;
      for (const transport of ['tcp', 'udp'] as const) {
        while (pending[transport].length > 0) {
          if (!(await store(transport))) {
            backoff = true;
            if (!closed) schedule(retryMs);
            return;
          }
          resumeIfRoom();
        }
      }
    });
    return flushing;
  }

  function schedule(delay = batchMs): void {
    if (timer || closed) return;
    timer = setTimeout(() => void flush(), delay);
  }

  function accept(transport: 'udp' | 'tcp', messages: readonly string[]): void {
    for (const message of messages) {
      counts.received += 1;
      if (transport === 'udp' && waiting() >= maxPending) {
        counts.dropped += 1;
        continue;
      }
      pending[transport].push(message);
    }
    if (waiting() >= maxBatch && !backoff) void flush();
    else schedule();
    pauseIfFull();
  }

  let udpSocket: UdpSocket | undefined;
  let udpAddress: { address: string; port: number } | undefined;
  if (options.udp) {
    const { host, port } = parseHostPort(options.udp);
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.on('message', (datagram) => {
      if (closed) return;
      if (datagram.length > maxBytes) {
        counts.received += 1;
        counts.rejected += 1;
        problem({ transport: 'udp', reason: `datagram of ${datagram.length} bytes over the limit: skipped` });
        return;
      }
      // One message per datagram (RFC 5426); some senders put several lines in one.
      const lines = datagram
        .toString('utf8')
        .split('\n')
        .map((l) => l.replace(/\r$/, ''))
        .filter((l) => l.trim() !== '');
      accept('udp', lines);
    });
    socket.on('error', (error) => problem({ transport: 'udp', reason: error.message }));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    udpSocket = socket;
    const a = socket.address();
    udpAddress = { address: a.address, port: a.port };
  }

  let tcpServer: Server | undefined;
  let tcpAddress: { address: string; port: number } | undefined;
  if (options.tcp) {
    const { host, port } = parseHostPort(options.tcp);
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.setTimeout(idleMs, () => {
        problem({ transport: 'tcp', reason: `connection idle for ${idleMs} ms: closed` });
        socket.end();
      });
      if (paused) socket.pause();
      const framer = new SyslogFramer(maxBytes);
      socket.on('data', (chunk: Buffer) => {
        const { messages, problems } = framer.push(chunk);
        for (const p of problems) {
          counts.rejected += 1;
          problem({ transport: 'tcp', reason: p });
        }
        accept('tcp', messages);
      });
      socket.on('end', () => accept('tcp', framer.end()));
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', (error) => problem({ transport: 'tcp', reason: error.message }));
    });
    // Beyond this, new connections are refused by Node at once (their sender retries later).
    server.maxConnections = maxConnections;
    server.on('drop', () => problem({ transport: 'tcp', reason: `over ${maxConnections} connections: refused` }));
    server.on('error', (error) => problem({ transport: 'tcp', reason: error.message }));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    tcpServer = server;
    const a = server.address();
    if (a && typeof a === 'object') tcpAddress = { address: a.address, port: a.port };
  }

  return {
    udp: udpAddress,
    tcp: tcpAddress,
    stats: () => ({ ...counts, pending: waiting() }),
    async close() {
      if (closed) return flushing;
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const udpClosed = udpSocket ? new Promise<void>((resolve) => udpSocket?.close(() => resolve())) : undefined;
      const tcpClosed = tcpServer ? new Promise<void>((resolve) => tcpServer?.close(() => resolve())) : undefined;
      for (const s of sockets) s.end();
      await udpClosed;
      // Sockets still open after a moment are cut: their senders reconnect to the next instance.
      const cut = setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, 2000);
      await tcpClosed;
      clearTimeout(cut);
      // One last pass: what was read is stored (a failure here is reported, not retried).
      await flush();
    },
  };
}
