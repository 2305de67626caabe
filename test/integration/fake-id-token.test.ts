/**
 * The fake GitHub Actions ID-token endpoint (test/fakes/id-token-server.ts) held against what is
 * recorded of the real one:
 * - @actions/core 3.0.1, lib/oidc-utils.js (in node_modules): it appends
 *   `&audience=<encodeURIComponent(audience)>` to ACTIONS_ID_TOKEN_REQUEST_URL, sends the request
 *   token with http-client's BearerCredentialHandler (`Bearer <token>`) and reads `.value`.
 * - GitHub's OIDC reference (https://docs.github.com/en/actions/reference/security/oidc): the
 *   claims, `iss`, the default `aud` (the owner's URL), the JOSE header parameters.
 * - A token decoded and published with the workflow that fetched it by curl (gist
 *   watahani/cad18acba1bc2ad655ee275558b1d2e4, workflow in gist
 *   watahani/e831a19a4653a459847070b60909e02b): the header's keys, the claims' keys and types,
 *   `nbf` = iat - 600 and `exp` = iat + 300, and the request `Authorization: bearer ...` to
 *   `$ACTIONS_ID_TOKEN_REQUEST_URL&audience=...`, answered with JSON whose `.value` is the token.
 * What core then does against the fake (retries, faults, masking) is test/integration/id-token.test.ts.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type FakeIdTokenServer, ISSUER, startIdTokenServer } from '../fakes/id-token-server.ts';

interface Response {
  status: number;
  json: unknown;
}

/** GETs `url` with this Authorization header (none when undefined). */
function get(url: string, authorization?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers['authorization'] = authorization;
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, signal: AbortSignal.timeout(20_000) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      })
      .on('error', reject);
  });
}

function decode(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString()) as Record<string, unknown>;
}

let server: FakeIdTokenServer;
before(async () => {
  server = await startIdTokenServer();
});
after(() => server.close());

describe('fake ID-token endpoint, against the recorded one', () => {
  it('the URL carries its query (api-version=2.0), so `&audience=` is appended, as core and curl do', () => {
    const url = new URL(server.url);
    assert.equal(url.hostname, '127.0.0.1');
    assert.match(url.pathname, /\/idtoken$/);
    assert.equal(url.search, '?api-version=2.0');
  });

  it('the bearer (`Bearer` from core, `bearer` from curl) gets JSON whose value is the token; none gets 401', async () => {
    const audience = 'api://AzureADTokenExchange';
    const url = `${server.url}&audience=${encodeURIComponent(audience)}`;
    const value = server.tokenFor(audience);
    for (const scheme of ['Bearer', 'bearer']) {
      const response = await get(url, `${scheme} ${server.requestToken}`);
      assert.equal(response.status, 200, scheme);
      // `count` beside `value` is the fake's reading of the runner; core reads only `value`.
      assert.deepEqual(response.json, { count: value.length, value });
    }
    assert.equal((await get(url)).status, 401);
    assert.equal((await get(url, `Bearer not-${server.requestToken}`)).status, 401);
  });

  it('the JWT: the recorded header, GitHub’s claims with their types, aud as asked or the owner’s URL', () => {
    const [header, payload, signature] = server.tokenFor('op-audience').split('.');
    assert.ok(signature !== undefined && /^[\w-]+$/.test(signature));
    assert.deepEqual(Object.keys(decode(header)).sort(), ['alg', 'kid', 'typ', 'x5t']);
    assert.equal(decode(header)['typ'], 'JWT');
    assert.equal(decode(header)['alg'], 'RS256');

    const claims = decode(payload);
    assert.deepEqual(claims, server.claimsFor('op-audience'));
    // Every claim of the recorded token (its empty head_ref and base_ref aside) ...
    const recorded = [
      ...['jti', 'sub', 'aud', 'ref', 'sha', 'repository', 'repository_owner', 'run_id'],
      ...['run_number', 'run_attempt', 'actor', 'workflow', 'event_name', 'ref_type'],
      ...['job_workflow_ref', 'iss', 'nbf', 'exp', 'iat'],
    ];
    for (const name of recorded) assert.ok(name in claims, `no ${name}`);
    // ... and none that GitHub's reference does not list.
    const documented = new Set([
      ...recorded,
      ...['actor_id', 'base_ref', 'enterprise', 'enterprise_id', 'environment', 'head_ref'],
      ...['job_workflow_sha', 'ref_protected', 'repository_id', 'repository_owner_id'],
      ...['repository_visibility', 'runner_environment', 'workflow_ref', 'workflow_sha'],
    ]);
    for (const name of Object.keys(claims)) assert.ok(documented.has(name), name);
    // Numbers for the times, strings for the rest (run_id and run_number too), as recorded.
    for (const [name, value] of Object.entries(claims)) {
      const type = ['nbf', 'exp', 'iat'].includes(name) ? 'number' : 'string';
      assert.equal(typeof value, type, name);
    }
    assert.equal(ISSUER, 'https://token.actions.githubusercontent.com');
    assert.equal(claims['iss'], ISSUER);
    assert.equal(claims['aud'], 'op-audience');
    assert.equal(
      claims['sub'],
      `repo:${String(claims['repository'])}:ref:${String(claims['ref'])}`,
    );
    assert.equal(claims['nbf'], Number(claims['iat']) - 600);
    assert.equal(claims['exp'], Number(claims['iat']) + 300);
    assert.equal(
      server.claimsFor()['aud'],
      `https://github.com/${String(claims['repository_owner'])}`,
    );
  });
});
