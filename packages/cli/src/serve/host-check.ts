/**
 * The server's Host allow-list, the defence against DNS rebinding: a page on `evil.example.com`
 * whose name the attacker re-points at this machine still sends `Host: evil.example.com`, so any
 * request naming a host we did not choose is refused, whatever interface the server is bound to.
 * Pure functions: the server passes in its bound address, port, hostname and interface addresses.
 */

/** A name (lower case, IPv6 in brackets) and a port; `port: undefined` means any port. */
export interface AllowedHost {
  name: string;
  port: number | undefined;
}

/** Inputs of `createHostAllowList`. */
export interface HostAllowListInput {
  /** The `--host` the server is bound to. */
  bindHost: string;
  /** The port actually bound (after `--port 0` picked one). */
  port: number;
  /** `--allow-host` entries: `NAME` (any port) or `NAME:PORT`. */
  allowHosts: readonly string[];
  /** `os.hostname()`; allowed for wildcard binds only. */
  hostname: string;
  /** Addresses of the machine's interfaces (`os.networkInterfaces()`); allowed for wildcard binds only. */
  interfaceAddresses: readonly { address: string; family: string }[];
}

/** Outcome of `checkHost`: allowed, or the HTTP status and a message for the client. */
export type HostCheck = { ok: true } | { ok: false; status: 400 | 403; message: string };

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Parses a Host header (or an `--allow-host` value) the way a browser canonicalises the host of a
 * URL (WHATWG: lower case, IDN to punycode, `127.1` → `127.0.0.1`, IPv6 compressed). `port` is
 * `undefined` when omitted. Returns `undefined`
 * for anything that is not a bare `host[:port]`.
 *
 * @example
 * parseHost('LocalHost:4173'); // { name: 'localhost', port: 4173 }
 */
export function parseHost(value: string): AllowedHost | undefined {
  if (value === '' || value.length > 300 || /[\s@/\\?#%]/.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${value}/`);
  } catch {
    return undefined;
  }
  // A fully qualified `localhost.` is the same host as `localhost`.
  const name = url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
  if (name === '') return undefined;
  // URL parsing drops an explicit `:80` (the http default); keep it, it is not "omitted".
  const port = url.port !== '' ? Number(url.port) : /:0*80$/.test(value) ? 80 : undefined;
  return { name, port };
}

/** Canonical form of a `--host` bind address (IPv6 literals get brackets, as in a Host header). */
function canonicalBind(host: string): string {
  const parsed = parseHost(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  return parsed?.name ?? host.toLowerCase();
}

/** `127.0.0.0/8`, `::1`, an IPv4-mapped loopback or `localhost`. */
export function isLoopback(name: string): boolean {
  return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name) || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(name);
}

/** `0.0.0.0` or `::` (every interface). */
export function isWildcard(bindHost: string): boolean {
  const name = canonicalBind(bindHost);
  return name === '0.0.0.0' || name === '[::]';
}

/**
 * The names the server answers to: the bound address; `localhost`, `127.0.0.1` and `[::1]` when
 * bound to a loopback or wildcard address; for a wildcard bind also the machine's hostname and its
 * interface addresses (what a colleague on the LAN types; an IP literal or the machine's own name
 * cannot be re-pointed by an attacker's DNS); all at the bound port. Plus every `--allow-host`.
 *
 * @example
 * createHostAllowList({ bindHost: '0.0.0.0', port: 4173, allowHosts: ['dash.example.com'], hostname: 'lab1', interfaceAddresses: [] });
 */
export function createHostAllowList(input: HostAllowListInput): AllowedHost[] {
  const bind = canonicalBind(input.bindHost);
  const wildcard = isWildcard(input.bindHost);
  const names = new Set<string>();
  // The bound address itself, also `0.0.0.0` (the URL `serve` prints; an IP literal is not rebindable).
  names.add(bind);
  if (wildcard || isLoopback(bind)) LOOPBACK_NAMES.forEach((n) => names.add(n));
  if (wildcard) {
    const host = parseHost(input.hostname);
    if (host !== undefined) names.add(host.name);
    // `0.0.0.0` listens on IPv4 only; `::` is dual-stack in Node.
    for (const a of input.interfaceAddresses) {
      if (bind === '0.0.0.0' && a.family !== 'IPv4') continue;
      names.add(canonicalBind(a.address));
    }
  }
  const list: AllowedHost[] = [...names].map((name) => ({ name, port: input.port }));
  for (const entry of input.allowHosts) {
    const parsed = parseHost(entry);
    if (parsed !== undefined) list.push(parsed);
  }
  return list;
}

/**
 * Validates one `--allow-host` value; returns why it is not acceptable, or `undefined`.
 *
 * @example
 * allowHostProblem('*'); // 'wildcards are not supported: name each host'
 */
export function allowHostProblem(value: string): string | undefined {
  if (value.includes('*')) return 'wildcards are not supported: name each host';
  if (parseHost(value) === undefined) return `expects a host name as the browser shows it (NAME or NAME:PORT, IPv6 as [::1]), got '${value.slice(0, 100)}'`;
  return undefined;
}

/** How an allow-list entry reads in messages. */
export function formatAllowedHost(h: AllowedHost): string {
  return h.port === undefined ? `${h.name} (any port)` : `${h.name}:${h.port}`;
}

/**
 * Checks a request's Host header against the allow-list. A Host without a port is the client's
 * default port, 80 for http or 443 behind a TLS proxy: it matches when the server is on one of them.
 *
 * @example
 * checkHost(createHostAllowList({ bindHost: '127.0.0.1', port: 80, allowHosts: [], hostname: 'h', interfaceAddresses: [] }), 'localhost', 80); // { ok: true }
 */
export function checkHost(allowed: readonly AllowedHost[], header: string | undefined, serverPort: number): HostCheck {
  if (header === undefined || header === '') return { ok: false, status: 400, message: 'missing Host header (HTTP/1.1 requires one)' };
  const shown = header.slice(0, 100);
  const got = parseHost(header);
  if (got === undefined) return { ok: false, status: 400, message: `malformed Host header '${shown}'` };
  const port = got.port ?? (serverPort === 80 || serverPort === 443 ? serverPort : 80);
  if (allowed.some((a) => a.name === got.name && (a.port === undefined || a.port === port))) return { ok: true };
  const names = allowed.map(formatAllowedHost);
  const list = names.length > 6 ? `${names.slice(0, 6).join(', ')}, … (${names.length} in all)` : names.join(', ');
  return {
    ok: false,
    status: 403,
    message: `Host '${shown}' is not allowed (DNS-rebinding protection); this server answers to ${list}; to serve it under this name on purpose, restart with --allow-host ${got.name}`,
  };
}
