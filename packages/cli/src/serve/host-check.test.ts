import { describe, expect, it } from 'vitest';
import { allowHostProblem, checkHost, createHostAllowList, isLoopback, isWildcard, parseHost } from './host-check.js';

const LAN = [
  { address: '127.0.0.1', family: 'IPv4' },
  { address: '::1', family: 'IPv6' },
  { address: '192.168.1.5', family: 'IPv4' },
  { address: 'fd00::5', family: 'IPv6' },
];

function probe(bindHost: string, port: number, header: string | undefined, allowHosts: string[] = []): number {
  const allowed = createHostAllowList({ bindHost, port, allowHosts, hostname: 'Lab-1', interfaceAddresses: LAN });
  const r = checkHost(allowed, header, port);
  return r.ok ? 200 : r.status;
}

describe('parseHost', () => {
  it.each([
    ['localhost:4173', 'localhost', 4173],
    ['LocalHost.:4173', 'localhost', 4173],
    ['localhost', 'localhost', undefined],
    ['localhost:80', 'localhost', 80],
    ['[0:0:0:0:0:0:0:1]:8080', '[::1]', 8080],
    ['127.1', '127.0.0.1', undefined],
    ['bücher.example', 'xn--bcher-kva.example', undefined],
  ])('%s -> %s port %s', (value, name, port) => {
    expect(parseHost(value)).toEqual({ name, port });
  });

  it.each(['', 'a b', 'user@localhost', 'localhost/x', 'evil.com:99999', '::1', ':80', 'a\\b', 'fe80::1%25eth0'])('refuses %j', (value) => {
    expect(parseHost(value)).toBeUndefined();
  });

  it('classifies bind addresses', () => {
    expect(['localhost', '127.0.0.1', '127.3.2.1', '[::1]', '[::ffff:7f00:1]'].every(isLoopback)).toBe(true);
    expect(['192.168.1.5', 'localhost.evil.com', '[::2]'].some(isLoopback)).toBe(false);
    expect([isWildcard('0.0.0.0'), isWildcard('::'), isWildcard('[::]'), isWildcard('127.0.0.1')]).toEqual([true, true, true, false]);
  });
});

describe('Host allow-list (DNS-rebinding protection)', () => {
  // Host header x bind address; 200 = allowed, 403 = refused, 400 = malformed/missing.
  it.each([
    // loopback bind: loopback names at the bound port only
    ['127.0.0.1', 'localhost:4173', 200],
    ['127.0.0.1', '127.0.0.1:4173', 200],
    ['127.0.0.1', '[::1]:4173', 200],
    ['127.0.0.1', 'LOCALHOST:4173', 200],
    ['127.0.0.1', 'localhost:4174', 403],
    ['127.0.0.1', 'localhost', 403],
    ['127.0.0.1', 'evil.example.com:4173', 403],
    ['127.0.0.1', '192.168.1.5:4173', 403],
    ['127.0.0.1', 'lab-1:4173', 403],
    ['127.0.0.1', 'localhost.evil.com:4173', 403],
    ['::1', '[::1]:4173', 200],
    ['::1', 'localhost:4173', 200],
    ['localhost', '127.0.0.1:4173', 200],
    // wildcard binds: the check still applies (it used to be off)
    ['0.0.0.0', 'evil.example.com:4173', 403],
    ['0.0.0.0', 'evil.example.com', 403],
    ['0.0.0.0', '127.0.0.1.nip.io:4173', 403],
    ['0.0.0.0', 'localhost:4173', 200],
    ['0.0.0.0', '0.0.0.0:4173', 200],
    ['0.0.0.0', '192.168.1.5:4173', 200],
    ['0.0.0.0', 'lab-1:4173', 200],
    ['0.0.0.0', '[fd00::5]:4173', 403],
    ['0.0.0.0', '10.9.9.9:4173', 403],
    ['::', 'evil.example.com:4173', 403],
    ['::', '[fd00::5]:4173', 200],
    ['::', '192.168.1.5:4173', 200],
    ['::', '[::1]:4173', 200],
    // a specific LAN address: that address, not loopback names
    ['192.168.1.5', '192.168.1.5:4173', 200],
    ['192.168.1.5', 'localhost:4173', 403],
    // malformed or missing
    ['127.0.0.1', undefined, 400],
    ['127.0.0.1', '', 400],
    ['127.0.0.1', 'user@localhost:4173', 400],
    ['0.0.0.0', 'a b', 400],
  ])('bind %s, Host %j -> %i', (bind, header, status) => {
    expect(probe(bind, 4173, header)).toBe(status);
  });

  it('refuses a rebinding Host on a wildcard bind with a message naming the fix', () => {
    const allowed = createHostAllowList({ bindHost: '0.0.0.0', port: 4173, allowHosts: [], hostname: 'lab-1', interfaceAddresses: LAN });
    const r = checkHost(allowed, 'evil.example.com:4173', 4173);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(403);
    expect(r.message).toMatch(/^Host 'evil\.example\.com:4173' is not allowed \(DNS-rebinding protection\)/);
    expect(r.message).toContain('localhost:4173');
    expect(r.message).toMatch(/restart with --allow-host evil\.example\.com$/);
  });

  it.each([
    // --allow-host NAME: any port (reverse proxy on 443, SSH tunnel on another port)
    [['dash.example.com'], 'dash.example.com', 200],
    [['dash.example.com'], 'dash.example.com:8443', 200],
    [['Dash.Example.com.'], 'dash.example.com:4173', 200],
    [['dash.example.com'], 'other.example.com:4173', 403],
    [['dash.example.com'], 'sub.dash.example.com:4173', 403],
    // --allow-host NAME:PORT: that port only
    [['dash.example.com:8443'], 'dash.example.com:8443', 200],
    [['dash.example.com:8443'], 'dash.example.com:4173', 403],
    [['localhost'], 'localhost:9999', 200],
  ])('--allow-host %j, Host %s -> %i', (allow, header, status) => {
    expect(probe('0.0.0.0', 4173, header, allow)).toBe(status);
    expect(probe('127.0.0.1', 4173, header, allow)).toBe(status);
  });

  it.each([
    // clients omit the default port: `--port 80` (http) and `--port 443` (behind a TLS proxy)
    [80, 'localhost', 200],
    [80, 'localhost:80', 200],
    [80, '127.0.0.1', 200],
    [443, 'localhost', 200],
    [443, 'localhost:443', 200],
    [443, 'localhost:80', 403],
    [80, 'localhost:443', 403],
    [8080, 'localhost', 403],
    [8080, 'localhost:80', 403],
  ])('--port %i, Host %s -> %i', (port, header, status) => {
    expect(probe('127.0.0.1', port, header)).toBe(status);
    expect(probe('0.0.0.0', port, header)).toBe(status);
  });

  it.each([
    ['*', /wildcards/],
    ['*.example.com', /wildcards/],
    ['http://dash.example.com', /NAME or NAME:PORT/],
    ['', /NAME or NAME:PORT/],
    ['dash.example.com/x', /NAME or NAME:PORT/],
  ])('--allow-host %j is refused', (value, msg) => {
    expect(allowHostProblem(value)).toMatch(msg);
  });
});
