/** A raw HTTP client for tests: sends the path byte-for-byte (no URL normalisation, unlike fetch). */
import { request } from 'node:http';

/** Response of `rawRequest`. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends one request to 127.0.0.1:`port` and collects the answer. */
export function rawRequest(port: number, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** GET + JSON.parse, asserting nothing (tests assert on status and body). */
export async function getJson<T>(port: number, path: string): Promise<{ status: number; body: T }> {
  const res = await rawRequest(port, path);
  return { status: res.status, body: JSON.parse(res.body) as T };
}
