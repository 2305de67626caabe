/**
 * For testing the REAL `@1password/sdk` offline: a well-formed (fake) service-account
 * token whose `signInAddress` points at a loopback server, and that server.
 *
 * Given a token it can parse, the SDK signs in by POSTing to
 * `<signInAddress>/api/v3/auth/start`, keeping the address's scheme, so
 * `http://127.0.0.1:PORT` sends it to a local `node:http` listener (see
 * /work/shared/SDK-NOTES.md). The listener answers every request with a scripted status and
 * a small JSON body, or never answers, so the action's handling of 401/403/429/5xx and of
 * hangs during `createClient` can be tested without a real account.
 *
 * Token shape. `ops_` + unpadded base64url of a JSON object with exactly the eight keys
 * of the SDK core's `ServiceAccountCredentials` (`signInAddress`, `email`, `secretKey`,
 * `srpX`, `muk`, `userAuth`, `deviceUuid`, `throttleSecret`; the same names appear in
 * `core_bg.wasm`). The value shapes follow the decoded example on 1Password's developer
 * site (service accounts security page): `muk` is an A256GCM JWK (`alg`, `ext`, `k`,
 * `key_ops`, `kty: 'oct'`, `kid: 'mp'`), `userAuth` is `{method: 'SRPg-4096',
 * alg: 'PBES2g-HS256', iterations, salt}`, `srpX` and `throttleSecret.seed` are 64 hex
 * digits, the IDs are 26-character base32. Every value here is made up.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { serveOnLoopback } from '../loopback.ts';

// ---------------------------------------------------------------------------------------
// Token

export interface ServiceAccountCredentials {
  signInAddress: string;
  email: string;
  secretKey: string;
  srpX: string;
  muk: {
    alg: string;
    ext: boolean;
    k: string;
    key_ops: string[];
    kty: string;
    kid: string;
  };
  userAuth: { method: string; alg: string; iterations: number; salt: string };
  deviceUuid: string;
  throttleSecret: { seed: string; uuid: string };
}

const digest = (seed: string): Buffer => createHash('sha256').update(seed).digest();

/** 26 characters of RFC 4648 base32 (`[a-z2-7]`), like 1Password's UUIDs. */
function uuid26(seed: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = digest(seed);
  let out = '';
  for (let i = 0; i < 26; i += 1) out += alphabet[(bytes[i] ?? 0) & 31];
  return out;
}

/** The fake credentials `makeServiceAccountToken` encodes (overrides replace top-level keys). */
export function makeServiceAccountCredentials(
  signInAddress: string,
  overrides: Partial<ServiceAccountCredentials> = {},
): ServiceAccountCredentials {
  return {
    signInAddress,
    email: `${uuid26('fake-sdk-email').slice(0, 13)}@1passwordserviceaccounts.com`,
    // Secret Key alphabet: digits 2-9 and letters without I, O, U (no 0/1 either).
    secretKey: 'A3-FAKE23-SDKTST-W9X8V-R7Q6P-N5M4L-K3J2H',
    srpX: digest('fake-sdk-srp-x').toString('hex'),
    muk: {
      alg: 'A256GCM',
      ext: true,
      k: digest('fake-sdk-muk').toString('base64url'),
      key_ops: ['encrypt', 'decrypt'],
      kty: 'oct',
      kid: 'mp',
    },
    userAuth: {
      method: 'SRPg-4096',
      alg: 'PBES2g-HS256',
      iterations: 650000,
      salt: digest('fake-sdk-salt').subarray(0, 16).toString('base64url'),
    },
    deviceUuid: uuid26('fake-sdk-device'),
    throttleSecret: {
      seed: digest('fake-sdk-throttle-seed').toString('hex'),
      uuid: uuid26('fake-sdk-throttle').toUpperCase(),
    },
    ...overrides,
  };
}

/**
 * A well-formed service-account token (`ops_` + unpadded base64url JSON) whose sign-in
 * address is `signInAddress` (e.g. `http://127.0.0.1:PORT` from `startSignInServer`).
 */
export function makeServiceAccountToken(
  signInAddress: string,
  overrides: Partial<ServiceAccountCredentials> = {},
): string {
  const json = JSON.stringify(makeServiceAccountCredentials(signInAddress, overrides));
  return `ops_${Buffer.from(json, 'utf8').toString('base64url')}`;
}

// ---------------------------------------------------------------------------------------
// What the real SDK does (observed: @1password/sdk 0.5.0, Node 24, against this server)

/**
 * The plain `Error` message `createClient` rejected with when `auth/start` answered this
 * status (any body), after exactly one request: the SDK does not retry, not even 429/5xx.
 * Other observations: a 200 with a non-JSON body gives `authentication error: when
 * deserializing HTTP responses into the corresponding types in unauthenticated request:
 * ...`; a server that never answers keeps `createClient` pending (no timeout of its own);
 * a refused connection, and a `signInAddress` without a scheme (`127.0.0.1:PORT`, tried
 * over HTTPS), fail with `NETWORK_ERROR_TEXT`.
 */
export const OBSERVED_SIGN_IN_ERRORS: Readonly<Record<number, string>> = {
  400: 'authentication error: bad request',
  401: 'authentication error: you are not authenticated',
  403: "authentication error: you don't have the right permissions to access this resource",
  404: 'authentication error: resource not found',
  408: 'authentication error: request timeout',
  409: 'authentication error: a conflict occurred on the server. this usually happens due to a race condition in requests',
  429: 'authentication error: rate limit exceeded',
  500: 'authentication error: internal server error',
  502: 'authentication error: unexpected status code in response: 502 Bad Gateway',
  503: 'authentication error: unexpected status code in response: 503 Service Unavailable',
  504: 'authentication error: unexpected status code in response: 504 Gateway Timeout',
};

/** `createClient`'s message when the sign-in server cannot be reached. Observed. */
export const NETWORK_ERROR_TEXT =
  'authentication error: request library compatibility issue, check that the your environment uses compatible versions: reqwest library: error sending request';

// ---------------------------------------------------------------------------------------
// Server

export interface SignInBehaviour {
  /** Default 401. */
  status?: number;
  /** Accept every request and never answer (until `close()`). */
  hang?: boolean;
}

export interface SignInRequest {
  method: string;
  /** Path and query as received. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Request body (UTF-8); '' when none or when the client went away first. */
  body: string;
}

export interface SignInServer {
  /** `http://127.0.0.1:PORT` (no trailing slash): use as the token's `signInAddress`. */
  url: string;
  /** Every request, in arrival order. */
  requests: SignInRequest[];
  /** Stop listening and end every socket, hung ones included. */
  close(): Promise<void>;
}

export async function startSignInServer({
  status = 401,
  hang = false,
}: SignInBehaviour = {}): Promise<SignInServer> {
  const requests: SignInRequest[] = [];

  const server = http.createServer((req, res) => {
    const entry: SignInRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: '',
    };
    requests.push(entry);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => {});
    req.on('end', () => {
      entry.body = Buffer.concat(chunks).toString('utf8');
      if (hang || res.destroyed) return;
      const text = JSON.stringify({
        reason: (http.STATUS_CODES[status] ?? 'error').toLowerCase(),
      });
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(text)),
      });
      res.end(text);
    });
  });
  const { port, close } = await serveOnLoopback(server);
  return { url: `http://127.0.0.1:${port}`, requests, close };
}
