/**
 * A faithful fake 1Password Connect server (REST API 1.7.1) for tests, on node:http or
 * node:https only.
 *
 * It serves a `FakeVault[]` data set (normally `VAULTS` from test/fixtures/vault-data.ts)
 * the way Connect does: bearer-token auth, 400 for path IDs that are not 26-char UUIDs,
 * 403 for vaults outside the token's scope, 404 JSON errors, item overviews without
 * fields, SCIM `eq` filters, OTP codes in `totp`, file metadata and raw file content.
 * On top of that it records every request, tracks concurrency and connections (keep-alive
 * reuse), adds latency, and plays scripted faults (status codes, resets, hangs, delays,
 * non-JSON bodies, endless bodies) so the action's client can be tested against bad days too.
 *
 * Choices where Connect's behaviour is not documented (clients must not depend on them):
 * - Filters accept `<attr> eq|co|sw "<JSON string>"` and `<attr> pr`; anything else is
 *   400. Matching is case-insensitive (SCIM's default), so clients must re-check titles.
 * - A scripted fault is applied before authentication, after `latencyMs`.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { totp } from './totp.ts';

// ---------------------------------------------------------------------------------------
// Public types

export interface FakeField {
  id: string;
  type:
    'STRING' | 'EMAIL' | 'CONCEALED' | 'URL' | 'OTP' | 'DATE' | 'MONTH_YEAR' | 'MENU' | 'SSHKEY';
  purpose?: '' | 'USERNAME' | 'PASSWORD' | 'NOTES';
  label?: string;
  value?: string;
  section?: { id: string };
}

export interface FakeFile {
  id: string;
  name: string;
  content: Uint8Array | string;
  section?: { id: string };
}

export interface FakeItem {
  id: string;
  title: string;
  /** Default `LOGIN`. */
  category?: string;
  tags?: string[];
  sections?: { id: string; label?: string }[];
  fields: FakeField[];
  files?: FakeFile[];
  /** The item's websites: Connect lists them apart from the fields, as `urls[]`. */
  urls?: { label?: string; primary?: boolean; href: string }[];
}

export interface FakeVault {
  id: string;
  name: string;
  /** Default true; false = outside the token's scope (403, and absent from lists). */
  accessible?: boolean;
  items: FakeItem[];
}

export type Fault =
  /** Reply with this status (default body: Connect JSON error `{status,message}`). */
  | { status: number; body?: string; headers?: Record<string, string> }
  /** Destroy the socket without answering (connection reset). */
  | { drop: true }
  /** Accept and never answer (until the client gives up or `close()`). */
  | { hang: true }
  /**
   * Held until this many requests have been in flight together (this one, those in flight when
   * it came, those that come while it waits), then served normally.
   */
  | { holdUntilInFlight: number }
  /** Reply with this body (status default 200, content type default `application/json`). */
  | { rawBody: string; contentType?: string; status?: number }
  /**
   * 200 with this many bytes of filler (JSON whitespace), written as the client reads them, so
   * that a huge body costs the test no memory; stops when the client goes away.
   */
  | { streamBytes: number };

export interface FakeConnectOptions {
  vaults: FakeVault[];
  token: string;
  /** `true`: HTTPS with `TLS.server` (signed by `TLS.ca`); `'untrusted'`: `TLS.untrustedServer`. */
  tls?: boolean | 'untrusted';
  /** Default `127.0.0.1` (covered by the test certificate, like `localhost` and `::1`). */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Waited before every answer (faults included); counted as in flight. */
  latencyMs?: number;
  /** Clock for OTP codes (epoch ms). Default `Date.now`. */
  now?: () => number;
}

export interface RequestLogEntry {
  method: string;
  /** Path and query exactly as received (not decoded). */
  path: string;
  authorization: string | undefined;
  /** Status sent; 0 when no answer was sent (drop, hang, client gone, still in flight). */
  status: number;
  /** Epoch milliseconds (sub-millisecond precision). */
  startedAt: number;
  /** Epoch milliseconds; 0 while in flight. */
  endedAt: number;
}

export interface FaultMatch {
  /** Case-insensitive; any method when absent. */
  method?: string;
  /** String: the path without query, or the whole path + query; RegExp: tested on path + query. */
  path?: string | RegExp;
}

export interface FakeConnect {
  /** e.g. `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  /** Every request, in arrival order (entries are completed when answered). */
  requests: RequestLogEntry[];
  /** Peak of simultaneously in-flight requests since start or `reset()`. */
  readonly maxConcurrency: number;
  /** TCP connections accepted since start or `reset()` (TLS handshakes included). */
  readonly connections: number;
  /** Bytes of filler written by `streamBytes` faults since start or `reset()`. */
  readonly streamed: number;
  /** Scripted faults: each matching request consumes the next fault; then normal service. */
  fault(match: FaultMatch, faults: Fault[]): void;
  /** Replace the data served from now on. */
  setVaults(vaults: FakeVault[]): void;
  /** Clear the log, counters and scripted faults. */
  reset(): void;
  /** Stop: ends hung and delayed requests and every open socket. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// TLS material (generated by test/fixtures/tls/make-certs.sh)

const tlsFile = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));

/** Paths of the test TLS files. */
export const TLS = {
  ca: tlsFile('ca.pem'),
  caKey: tlsFile('ca-key.pem'),
  server: tlsFile('server.pem'),
  serverKey: tlsFile('server-key.pem'),
  otherCa: tlsFile('other-ca.pem'),
  untrustedServer: tlsFile('untrusted-server.pem'),
  untrustedServerKey: tlsFile('untrusted-server-key.pem'),
} as const;

// ---------------------------------------------------------------------------------------
// Connect's JSON shapes

/** 1Password's IDs, and the UUIDs of its Connect SDK fixtures (`3fa85f64-5717-...`). */
const ID_PATTERN =
  /^(?:[0-9a-z]{26}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const CREATED_AT = '2024-03-01T09:00:00Z';
const UPDATED_AT = '2024-06-15T14:30:00Z';
const LAST_EDITED_BY = 'fixtureeditor0000000000000';
/** Connect's default OP_MAX_INLINE_FILE_SIZE_KB. */
const MAX_INLINE_BYTES = 100 * 1024;

function bytesOf(content: Uint8Array | string): Buffer {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
}

function vaultJson(vault: FakeVault): Record<string, unknown> {
  return {
    id: vault.id,
    name: vault.name,
    description: '',
    attributeVersion: 1,
    contentVersion: vault.items.length + 1,
    items: vault.items.length,
    type: 'USER_CREATED',
    createdAt: CREATED_AT,
    updatedAt: UPDATED_AT,
  };
}

function itemOverviewJson(vault: FakeVault, item: FakeItem): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: item.id,
    title: item.title,
    version: 1,
    vault: { id: vault.id },
    category: item.category ?? 'LOGIN',
  };
  if (item.tags !== undefined && item.tags.length > 0) {
    json['tags'] = item.tags;
  }
  json['lastEditedBy'] = LAST_EDITED_BY;
  json['createdAt'] = CREATED_AT;
  json['updatedAt'] = UPDATED_AT;
  return json;
}

function fieldJson(field: FakeField, now: number): Record<string, unknown> {
  const json: Record<string, unknown> = { id: field.id, type: field.type };
  if (field.purpose !== undefined) json['purpose'] = field.purpose;
  if (field.section !== undefined) json['section'] = { id: field.section.id };
  if (field.label !== undefined) json['label'] = field.label;
  if (field.value !== undefined) json['value'] = field.value;
  if (field.type === 'OTP' && field.value !== undefined && field.value !== '') {
    try {
      json['totp'] = totp(field.value, now);
    } catch {
      // An unparsable seed: Connect gives no code.
    }
  }
  return json;
}

function fileJson(
  vault: FakeVault,
  item: FakeItem,
  file: FakeFile,
  inline: boolean,
): Record<string, unknown> {
  const bytes = bytesOf(file.content);
  const json: Record<string, unknown> = {
    id: file.id,
    name: file.name,
    size: bytes.length,
    content_path: `/v1/vaults/${vault.id}/items/${item.id}/files/${file.id}/content`,
  };
  if (file.section !== undefined) json['section'] = { id: file.section.id };
  if (inline) json['content'] = bytes.toString('base64');
  return json;
}

function fullItemJson(vault: FakeVault, item: FakeItem, now: number): Record<string, unknown> {
  const json = itemOverviewJson(vault, item);
  if (item.sections !== undefined && item.sections.length > 0) {
    json['sections'] = item.sections.map((section) =>
      section.label === undefined ? { id: section.id } : { id: section.id, label: section.label },
    );
  }
  if (item.urls !== undefined && item.urls.length > 0) json['urls'] = item.urls;
  json['fields'] = item.fields.map((field) => fieldJson(field, now));
  if (item.files !== undefined && item.files.length > 0) {
    json['files'] = item.files.map((file) => fileJson(vault, item, file, false));
  }
  return json;
}

// ---------------------------------------------------------------------------------------
// SCIM filters

interface Filter {
  attribute: string;
  operator: 'eq' | 'co' | 'sw' | 'pr';
  value: string;
}

/** Parses `attr op "value"` / `attr pr`; returns an error message when malformed. */
function parseFilter(text: string, attributes: readonly string[]): Filter | string {
  const match = /^\s*([A-Za-z][A-Za-z0-9_.]*)\s+([A-Za-z]+)(.*)$/s.exec(text);
  if (match === null) return `Invalid filter: ${text}`;
  const attribute = (match[1] ?? '').toLowerCase();
  const operator = (match[2] ?? '').toLowerCase();
  const rest = (match[3] ?? '').trim();
  if (!attributes.includes(attribute)) return `Invalid filter attribute: ${match[1] ?? ''}`;
  if (operator === 'pr') {
    return rest === '' ? { attribute, operator, value: '' } : `Invalid filter: ${text}`;
  }
  if (operator !== 'eq' && operator !== 'co' && operator !== 'sw') {
    return `Invalid filter operator: ${match[2] ?? ''}`;
  }
  if (!/^"(?:[^"\\]|\\.)*"$/s.test(rest)) return `Invalid filter value: ${rest}`;
  try {
    const value: unknown = JSON.parse(rest);
    if (typeof value !== 'string') return `Invalid filter value: ${rest}`;
    return { attribute, operator, value };
  } catch {
    return `Invalid filter value: ${rest}`;
  }
}

function filterMatches(filter: Filter, candidates: readonly string[]): boolean {
  const wanted = filter.value.toLowerCase();
  return candidates.some((candidate) => {
    const have = candidate.toLowerCase();
    switch (filter.operator) {
      case 'eq':
        return have === wanted;
      case 'co':
        return have.includes(wanted);
      case 'sw':
        return have.startsWith(wanted);
      case 'pr':
        return candidate !== '';
    }
    return false;
  });
}

// ---------------------------------------------------------------------------------------
// Server

interface FaultRule {
  match: FaultMatch;
  faults: Fault[];
}

type Reply =
  | { status: number; json: unknown }
  | { status: number; body: Buffer | string; headers: Record<string, string> };

const now = (): number => performance.timeOrigin + performance.now();

function errorReply(status: number, message: string): Reply {
  return { status, json: { status, message } };
}

function ruleMatches(match: FaultMatch, method: string, rawPath: string): boolean {
  if (match.method !== undefined && match.method.toUpperCase() !== method.toUpperCase()) {
    return false;
  }
  if (match.path === undefined) return true;
  if (typeof match.path === 'string') {
    return rawPath === match.path || rawPath.split('?')[0] === match.path;
  }
  match.path.lastIndex = 0;
  return match.path.test(rawPath);
}

export async function startFakeConnect(options: FakeConnectOptions): Promise<FakeConnect> {
  let vaults = options.vaults;
  const latencyMs = options.latencyMs ?? 0;
  const otpNow = options.now ?? Date.now;
  const requests: RequestLogEntry[] = [];
  const rules: FaultRule[] = [];
  const sockets = new Set<Socket>();
  const pending = new Set<AbortController>();
  const unfinished = new Set<Promise<void>>();
  let inFlight = 0;
  let maxConcurrency = 0;
  let connections = 0;
  let streamed = 0;
  /** Requests received, and told of each one (`holdUntilInFlight` waits on them). */
  let arrived = 0;
  const arrivals = new EventTarget();
  let closing: Promise<void> | undefined;

  const takeFault = (method: string, rawPath: string): Fault | undefined => {
    for (const rule of rules) {
      if (rule.faults.length > 0 && ruleMatches(rule.match, method, rawPath)) {
        return rule.faults.shift();
      }
    }
    return undefined;
  };

  const route = (method: string, rawPath: string, authorization: string | undefined): Reply => {
    const queryAt = rawPath.indexOf('?');
    const pathname = queryAt < 0 ? rawPath : rawPath.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? '' : rawPath.slice(queryAt + 1));
    let segments: string[];
    try {
      segments = pathname.split('/').slice(1).map(decodeURIComponent);
    } catch {
      return errorReply(400, 'Invalid path encoding');
    }
    if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();

    const path = segments.join('/');
    if (path === 'heartbeat' || path === 'health') {
      if (method !== 'GET') return errorReply(405, 'Method Not Allowed');
      if (path === 'heartbeat') {
        return { status: 200, body: '.', headers: { 'content-type': 'text/plain' } };
      }
      return {
        status: 200,
        json: {
          name: '1Password Connect API',
          version: '1.7.1',
          dependencies: [
            { service: 'sync', status: 'ACTIVE' },
            { service: 'sqlite', status: 'ACTIVE', message: 'Connected to./1password.sqlite' },
          ],
        },
      };
    }

    const bearer = /^Bearer (.+)$/i.exec(authorization ?? '');
    if (bearer === null || bearer[1] !== options.token) {
      return errorReply(401, 'Invalid token signature');
    }
    if (method !== 'GET') return errorReply(405, 'Method Not Allowed');

    const [v1, vaultsSegment, vaultId, itemsSegment, itemId, filesSegment, fileId, contentSegment] =
      segments;
    if (segments.length === 2 && v1 === 'v1' && vaultsSegment === 'activity') {
      return { status: 200, json: [] };
    }
    if (v1 !== 'v1' || vaultsSegment !== 'vaults' || segments.length > 8) {
      return errorReply(404, 'Not Found');
    }

    if (vaultId === undefined) {
      let visible = vaults.filter((vault) => vault.accessible !== false);
      const filterText = query.get('filter');
      if (filterText !== null) {
        const filter = parseFilter(filterText, ['name', 'title']);
        if (typeof filter === 'string') return errorReply(400, filter);
        visible = visible.filter((vault) => filterMatches(filter, [vault.name]));
      }
      return { status: 200, json: visible.map(vaultJson) };
    }

    if (!ID_PATTERN.test(vaultId)) return errorReply(400, 'Invalid Vault UUID');
    const vault = vaults.find((candidate) => candidate.id === vaultId);
    if (vault === undefined) return errorReply(404, `vault ${vaultId} not found`);
    if (vault.accessible === false) return errorReply(403, `vault ${vaultId} is not in scope`);
    if (itemsSegment === undefined) return { status: 200, json: vaultJson(vault) };
    if (itemsSegment !== 'items') return errorReply(404, 'Not Found');

    if (itemId === undefined) {
      let items = vault.items;
      const filterText = query.get('filter');
      if (filterText !== null) {
        const filter = parseFilter(filterText, ['title', 'tag', 'tags']);
        if (typeof filter === 'string') return errorReply(400, filter);
        items = items.filter((item) =>
          filterMatches(filter, filter.attribute === 'title' ? [item.title] : (item.tags ?? [])),
        );
      }
      return { status: 200, json: items.map((item) => itemOverviewJson(vault, item)) };
    }

    if (!ID_PATTERN.test(itemId)) return errorReply(400, 'Invalid Item UUID');
    const item = vault.items.find((candidate) => candidate.id === itemId);
    if (item === undefined) return errorReply(404, `item ${itemId} not found`);
    if (filesSegment === undefined)
      return { status: 200, json: fullItemJson(vault, item, otpNow()) };
    if (filesSegment !== 'files') return errorReply(404, 'Not Found');

    const inline = query.get('inline_files') === 'true';
    const tooLarge = errorReply(
      413,
      'File is too large to inline in request. Use the /v1/vaults/{vaultUUID}/items/{itemUUID}/files/{fileUUID}/content endpoint instead.',
    );
    const files = item.files ?? [];
    if (fileId === undefined) {
      if (inline && files.some((file) => bytesOf(file.content).length > MAX_INLINE_BYTES)) {
        return tooLarge;
      }
      return { status: 200, json: files.map((file) => fileJson(vault, item, file, inline)) };
    }

    const file = files.find((candidate) => candidate.id === fileId);
    if (file === undefined) return errorReply(404, `file ${fileId} not found`);
    if (contentSegment === undefined) {
      if (inline && bytesOf(file.content).length > MAX_INLINE_BYTES) return tooLarge;
      return { status: 200, json: fileJson(vault, item, file, inline) };
    }
    if (contentSegment !== 'content') return errorReply(404, 'Not Found');
    return {
      status: 200,
      body: bytesOf(file.content),
      headers: {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; filename="${file.name.replace(/["\\\r\n]/g, '_')}"`,
      },
    };
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const rawPath = req.url ?? '/';
    const entry: RequestLogEntry = {
      method,
      path: rawPath,
      authorization: req.headers.authorization,
      status: 0,
      startedAt: now(),
      endedAt: 0,
    };
    requests.push(entry);
    inFlight += 1;
    maxConcurrency = Math.max(maxConcurrency, inFlight);
    arrived += 1;
    arrivals.dispatchEvent(new Event('arrival'));

    const abort = new AbortController();
    pending.add(abort);
    const { promise: done, resolve: resolveDone } = Promise.withResolvers<void>();
    unfinished.add(done);
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      inFlight -= 1;
      entry.endedAt = now();
      pending.delete(abort);
      unfinished.delete(done);
      abort.abort();
      resolveDone();
    };
    res.on('close', finish);

    const send = (reply: Reply): void => {
      if (res.destroyed || res.headersSent) return;
      let body: Buffer | string;
      let headers: Record<string, string>;
      if ('json' in reply) {
        body = JSON.stringify(reply.json);
        headers = { 'content-type': 'application/json' };
      } else {
        body = reply.body;
        headers = reply.headers;
      }
      entry.status = reply.status;
      res.writeHead(reply.status, {
        ...headers,
        'content-length': String(Buffer.byteLength(body)),
      });
      res.end(body);
    };

    const fault = takeFault(method, rawPath);
    try {
      if (latencyMs > 0) await sleep(latencyMs, undefined, { signal: abort.signal });
      if (fault !== undefined) {
        if ('hang' in fault) return;
        if ('drop' in fault) {
          const socket = req.socket;
          try {
            socket.resetAndDestroy();
          } catch {
            socket.destroy(); // TLS sockets cannot send a RST; a plain close will do.
          }
          return;
        }
        if ('streamBytes' in fault) {
          entry.status = 200;
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(1024 * 1024, 0x20);
          for (let left = fault.streamBytes; left > 0 && !res.destroyed; left -= chunk.length) {
            streamed += Math.min(left, chunk.length);
            if (!res.write(chunk.subarray(0, left))) {
              await once(res, 'drain', { signal: abort.signal });
            }
          }
          res.end();
          return;
        }
        if ('holdUntilInFlight' in fault) {
          // Counted, not re-read: a request that came and went while this one waited still met it.
          const until = arrived + fault.holdUntilInFlight - inFlight;
          while (arrived < until) await once(arrivals, 'arrival', { signal: abort.signal });
        } else if ('rawBody' in fault) {
          send({
            status: fault.status ?? 200,
            body: fault.rawBody,
            headers: { 'content-type': fault.contentType ?? 'application/json' },
          });
          return;
        } else {
          const reason = http.STATUS_CODES[fault.status] ?? 'Error';
          send({
            status: fault.status,
            body: fault.body ?? JSON.stringify({ status: fault.status, message: reason }),
            headers: {
              'content-type': 'application/json',
              ...Object.fromEntries(
                Object.entries(fault.headers ?? {}).map(([name, value]) => [
                  name.toLowerCase(),
                  value,
                ]),
              ),
            },
          });
          return;
        }
      }
      send(route(method.toUpperCase(), rawPath, req.headers.authorization));
    } catch (error) {
      if (abort.signal.aborted) return; // client gone or server closing
      send(errorReply(500, `fake connect server error: ${String(error)}`));
    }
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void handle(req, res);
  };

  let server: http.Server | https.Server;
  if (options.tls === true || options.tls === 'untrusted') {
    const untrusted = options.tls === 'untrusted';
    server = https.createServer(
      {
        cert: readFileSync(untrusted ? TLS.untrustedServer : TLS.server),
        key: readFileSync(untrusted ? TLS.untrustedServerKey : TLS.serverKey),
      },
      listener,
    );
  } else {
    server = http.createServer(listener);
  }
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that resets mid-handshake must not crash the test process.
  server.on('tlsClientError', () => {});
  server.on('clientError', (_error, socket) => socket.destroy());

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const scheme = server instanceof https.Server ? 'https' : 'http';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    requests,
    get maxConcurrency() {
      return maxConcurrency;
    },
    get connections() {
      return connections;
    },
    get streamed() {
      return streamed;
    },
    fault(match: FaultMatch, faults: Fault[]): void {
      rules.push({ match, faults: [...faults] });
    },
    setVaults(next: FakeVault[]): void {
      vaults = next;
    },
    reset(): void {
      requests.length = 0;
      rules.length = 0;
      maxConcurrency = 0;
      connections = 0;
      streamed = 0;
    },
    close(): Promise<void> {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const abort of pending) abort.abort();
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        // Every request is over once its socket is gone; the log is complete after this.
        await Promise.all([closed, ...unfinished]);
      })();
      return closing;
    },
  };
}
