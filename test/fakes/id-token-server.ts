/**
 * A faithful fake of the GitHub Actions ID-token endpoint (the one behind
 * `ACTIONS_ID_TOKEN_REQUEST_URL`), on node:http and loopback only.
 *
 * What it reproduces, as `core.getIDToken` (@actions/core 3.x, lib/oidc-utils.js) meets it:
 * - The runner gives a URL that already carries a query (`...?api-version=2.0`); core appends
 *   `&audience=<encodeURIComponent(audience)>` and GETs it with
 *   `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>` (the scheme in any case).
 * - A good request gets `200 {"count": <length of value>, "value": "<JWT>"}`; a missing or wrong
 *   bearer gets 401, an unknown path 404, a missing `api-version` 400, a method other than GET
 *   405, each with an Azure DevOps-style JSON error (`{"$id","message","typeName",...}`), whose
 *   `message` @actions/http-client turns into the error's text.
 * - The token is JWT-shaped (header.payload.signature, base64url) with GitHub's claims: `aud` (the
 *   audience asked for, else `https://github.com/<owner>` as GitHub does), `iss`
 *   `https://token.actions.githubusercontent.com`, `sub` `repo:<owner>/<repo>:ref:<ref>`,
 *   `iat`, `nbf` (iat - 600), `exp` (iat + 300) and the usual custom claims. It is deterministic
 *   per audience for one server (`tokenFor`), so tests can assert it. Its signature is an HMAC
 *   made up here: nothing can verify it, as nothing outside GitHub can sign one.
 *
 * Choices where the real service is not documented (clients must not depend on them): the
 * scope/plan/job IDs in the path, the `count` field (taken as the value's length), the exact
 * error bodies, and the order of checks (fault, then method, path, bearer, api-version).
 * Faults (`fail`) are consumed one per request, before any check.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { serveOnLoopback } from './loopback.ts';

export const ISSUER = 'https://token.actions.githubusercontent.com';

export type IdTokenFault =
  /** Reply with this status and the endpoint's JSON error for it. */
  | { status: number }
  /** Destroy the socket without answering (the client sees ECONNRESET / socket hang up). */
  | { reset: true }
  /** Accept and never answer, until the client gives up or `close()`. */
  | { hang: true }
  /** 200 with a JSON body that has no `value` (`{"count":0}`). */
  | { noValue: true }
  /** 200 with this body, as is (e.g. not JSON). */
  | { rawBody: string };

export interface IdTokenRequest {
  method: string;
  /** Path and query exactly as received (not decoded). */
  path: string;
  /** The `audience` query parameter, decoded; null when absent. */
  audience: string | null;
  /** Whether the bearer was the request token. */
  authorized: boolean;
  /** Status sent; 0 when none was (reset, hang, still in flight). */
  status: number;
  /** The scripted fault this request consumed, if any. */
  fault?: IdTokenFault;
}

export interface FakeIdTokenServer {
  /** The ACTIONS_ID_TOKEN_REQUEST_URL to give: `http://127.0.0.1:PORT/...idtoken?api-version=2.0`. */
  url: string;
  /** The ACTIONS_ID_TOKEN_REQUEST_TOKEN it accepts. */
  requestToken: string;
  /** The JWT it answers for `audience` (no audience: GitHub's default, the owner's URL). */
  tokenFor(audience?: string): string;
  /** The claims inside `tokenFor(audience)`. */
  claimsFor(audience?: string): Record<string, unknown>;
  /** Every request, in arrival order. */
  requests: IdTokenRequest[];
  /** Script the next requests: each consumes one fault, in order; then normal service. */
  fail(...faults: IdTokenFault[]): void;
  /** Stop: ends hung requests and every open socket. */
  close(): Promise<void>;
}

/** The default request token: shaped like nothing real, easy to spot in a leak. */
const REQUEST_TOKEN = 'fake-idtoken-request-token-7d1f0c2a9e4b';

const SCOPE_ID = '00000000-0000-0000-0000-000000000000';
const PLAN_ID = '5f4e3d2c-1b0a-4987-8765-43210fedcba9';
const JOB_ID = '9a8b7c6d-5e4f-4321-8fed-cba987654321';
export const ID_TOKEN_PATH = `/${SCOPE_ID}/_apis/distributedtask/hubs/build/plans/${PLAN_ID}/jobs/${JOB_ID}/idtoken`;

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** An Azure DevOps-style error body, as the Actions service sends them. */
function errorBody(status: number, message: string): string {
  return JSON.stringify({
    $id: '1',
    innerException: null,
    message,
    typeName:
      'Microsoft.TeamFoundation.DistributedTask.WebApi.TaskOrchestrationPlanSecurityException, Microsoft.TeamFoundation.DistributedTask.WebApi',
    typeKey: 'TaskOrchestrationPlanSecurityException',
    errorCode: 0,
    eventId: 3000,
    status,
  });
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'No api-version was supplied for the "GET" request.',
  401: 'TF400813: The user is not authorized to access this resource.',
  403: 'The job is not permitted to request an ID token (id-token: write is missing).',
  404: 'The resource cannot be found.',
  405: 'The requested resource does not support http method.',
};

export async function startIdTokenServer(): Promise<FakeIdTokenServer> {
  const requestToken = REQUEST_TOKEN;
  const repository = 'owner/repo';
  const owner = 'owner';
  const ref = 'refs/heads/main';
  // The server's start, whole seconds.
  const issuedAt = Math.floor(Date.now() / 1000);
  const requests: IdTokenRequest[] = [];
  const faults: IdTokenFault[] = [];

  const claimsFor = (audience?: string): Record<string, unknown> => ({
    jti: createHmac('sha256', 'jti')
      .update(audience ?? '')
      .digest('hex')
      .slice(0, 32),
    sub: `repo:${repository}:ref:${ref}`,
    aud: audience ?? `https://github.com/${owner}`,
    ref,
    sha: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4',
    repository,
    repository_owner: owner,
    repository_visibility: 'private',
    run_id: '1234567890',
    run_number: '42',
    run_attempt: '1',
    actor: 'octocat',
    workflow: 'CI',
    event_name: 'push',
    ref_type: 'branch',
    job_workflow_ref: `${repository}/.github/workflows/ci.yml@${ref}`,
    runner_environment: 'github-hosted',
    iss: ISSUER,
    nbf: issuedAt - 600,
    exp: issuedAt + 300,
    iat: issuedAt,
  });

  const tokenFor = (audience?: string): string => {
    const header = base64url(
      JSON.stringify({ typ: 'JWT', alg: 'RS256', x5t: 'fake-x5t', kid: 'fake-kid' }),
    );
    const payload = base64url(JSON.stringify(claimsFor(audience)));
    const signature = createHmac('sha256', 'fake-id-token-server')
      .update(`${header}.${payload}`)
      .digest('base64url');
    return `${header}.${payload}.${signature}`;
  };

  const send = (
    res: http.ServerResponse,
    entry: IdTokenRequest,
    status: number,
    body: string,
  ): void => {
    if (res.destroyed || res.headersSent) return;
    entry.status = status;
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
    });
    res.end(body);
  };

  const answer = (
    method: string,
    rawPath: string,
    authorized: boolean,
    audience: string | null,
  ): [number, string] => {
    const queryAt = rawPath.indexOf('?');
    const pathname = queryAt < 0 ? rawPath : rawPath.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? '' : rawPath.slice(queryAt + 1));
    const error = (status: number): [number, string] => [
      status,
      errorBody(status, DEFAULT_MESSAGES[status] ?? http.STATUS_CODES[status] ?? 'Error'),
    ];
    if (method !== 'GET') return error(405);
    if (pathname !== ID_TOKEN_PATH) return error(404);
    if (!authorized) return error(401);
    if (query.get('api-version') === null) return error(400);
    const value = tokenFor(audience ?? undefined);
    return [200, JSON.stringify({ count: value.length, value })];
  };

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const queryAt = path.indexOf('?');
    const query = new URLSearchParams(queryAt < 0 ? '' : path.slice(queryAt + 1));
    // The scheme is case-insensitive (RFC 9110 11.1): core sends `Bearer`, the curl in GitHub's
    // examples `bearer`.
    const bearer = /^bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const entry: IdTokenRequest = {
      method,
      path,
      audience: query.get('audience'),
      authorized: bearer === requestToken,
      status: 0,
    };
    requests.push(entry);
    const fault = faults.shift();
    if (fault !== undefined) {
      entry.fault = fault;
      if ('hang' in fault) return;
      if ('reset' in fault) {
        req.socket.resetAndDestroy();
        return;
      }
      if ('noValue' in fault) return send(res, entry, 200, JSON.stringify({ count: 0 }));
      if ('rawBody' in fault) return send(res, entry, 200, fault.rawBody);
      const message = DEFAULT_MESSAGES[fault.status] ?? http.STATUS_CODES[fault.status] ?? 'Error';
      return send(res, entry, fault.status, errorBody(fault.status, message));
    }
    const [status, body] = answer(method, path, entry.authorized, entry.audience);
    send(res, entry, status, body);
  });
  const { port, close } = await serveOnLoopback(server);

  return {
    url: `http://127.0.0.1:${port}${ID_TOKEN_PATH}?api-version=2.0`,
    requestToken,
    tokenFor,
    claimsFor,
    requests,
    fail(...next: IdTokenFault[]): void {
      faults.push(...next);
    },
    close,
  };
}
