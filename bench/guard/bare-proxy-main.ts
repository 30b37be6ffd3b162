/**
 * A bare pass-through proxy for the proxy benchmark's baseline: node:http in front of the
 * upstream given as argument, forwarding each POST body with fetch and sending the answer back,
 * nothing checked. What any proxy written on this runtime costs; prints its base URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const upstream = process.argv[2];
if (!upstream) throw new Error('usage: bare-proxy-main.ts UPSTREAM_URL');
const server = createServer(async (req, res) => {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const answer = await fetch(`${upstream}${(req.url ?? '').replace(/^\/v1/, '')}`, {
    method: req.method ?? 'POST',
    headers: { 'content-type': 'application/json' },
    body: Buffer.concat(parts),
  });
  const body = await answer.text();
  res.writeHead(answer.status, { 'content-type': 'application/json' });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1\n`);
});
