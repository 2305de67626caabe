/** A self-hosted 1Password Connect server, over its REST API. */

import type { Dispatcher } from 'undici';
import { Hint } from '../errors.ts';
import { redact } from '../redact.ts';
import { HttpClient, HttpFailure, type HttpResponse } from './http.ts';
import type { Clock, RetryPolicy } from './retry.ts';
import { type Json, object, records, summary, toItem } from './item-json.ts';
import type { Item, ItemSummary, SecretSource, VaultSummary } from './source.ts';
import { isAnsweredId, MAX_RESPONSE_BYTES, refusedId, SourceError } from './source.ts';

export interface ConnectOptions {
  /** Base URL, already validated (http or https, no query). */
  readonly host: URL;
  readonly token: string;
  /** Trusted CA certificates (PEM); undefined keeps Node's defaults. */
  readonly ca?: readonly string[];
  readonly policy?: RetryPolicy;
  readonly clock?: Clock;
  /** Sends the requests instead of a pool of the backend's own (tests); the caller closes it. */
  readonly dispatcher?: Dispatcher;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function notJson(what: string): SourceError {
  return new SourceError(
    'unavailable',
    `Connect answered ${what} with something other than the API's JSON (${Hint.connectHost})`,
  );
}

/** A token of RFC 9110 (media type and subtype). */
const TOKEN = "[a-z0-9!#$%&'*+.^_`|~-]+";
const JSON_SUFFIX = new RegExp(`^${TOKEN}/${TOKEN}\\+json$`);

/**
 * Whether a Content-Type names JSON: `application/json` or a `type/subtype+json`, parameters
 * aside. Parsed, not searched: `text/html; x=notjson` holds "json" but is an HTML page.
 */
export function isJsonMediaType(contentType: string): boolean {
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return type === 'application/json' || JSON_SUFFIX.test(type);
}

/** The IDs of a request path, each of an ID's characters: a path is never built from anything else. */
function path(strings: TemplateStringsArray, ...ids: string[]): string {
  for (const id of ids) {
    if (!isAnsweredId(id)) {
      throw new SourceError('unavailable', `asked for ${refusedId(id)}: no request made`);
    }
  }
  return String.raw(strings, ...ids);
}

export class ConnectSource implements SecretSource {
  readonly #http: HttpClient;
  readonly #origin: string;
  readonly #base: string;

  constructor(options: ConnectOptions) {
    this.#origin = options.host.origin;
    this.#base = options.host.pathname.replace(/\/+$/, '');
    this.#http = new HttpClient({
      origin: options.host.origin,
      headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
  }

  async listVaults(): Promise<VaultSummary[]> {
    const body = await this.#json('/v1/vaults', 'the vault list');
    return records(body, 'the vault list', notJson).map((vault) =>
      summary(vault, 'name', 'the vault list', notJson),
    );
  }

  async getVault(vaultId: string): Promise<VaultSummary> {
    const body = await this.#json(path`/v1/vaults/${vaultId}`, `vault ${vaultId}`);
    const what = `vault ${vaultId}`;
    return summary(object(body, what, notJson), 'name', what, notJson);
  }

  async listItems(vaultId: string): Promise<ItemSummary[]> {
    const what = `the item list of vault ${vaultId}`;
    const body = await this.#json(path`/v1/vaults/${vaultId}/items`, what);
    return records(body, what, notJson).map((item) => summary(item, 'title', what, notJson));
  }

  async getItem(vaultId: string, itemId: string): Promise<Item> {
    const what = `item ${itemId} of vault ${vaultId}`;
    const body = await this.#json(path`/v1/vaults/${vaultId}/items/${itemId}`, what);
    return toItem(body, vaultId, notJson);
  }

  async getFile(vaultId: string, itemId: string, fileId: string): Promise<Uint8Array> {
    const what = `file ${fileId} of item ${itemId}`;
    const response = await this.#get(
      path`/v1/vaults/${vaultId}/items/${itemId}/files/${fileId}/content`,
      what,
    );
    return response.body;
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  async #json(path: string, what: string): Promise<unknown> {
    const response = await this.#get(path, what);
    if (!isJsonMediaType(response.contentType)) throw notJson(what);
    try {
      return JSON.parse(decoder.decode(response.body));
    } catch {
      throw notJson(what);
    }
  }

  async #get(path: string, what: string): Promise<HttpResponse> {
    let response: HttpResponse;
    try {
      response = await this.#http.get(`${this.#base}${path}`);
    } catch (thrown) {
      if (!(thrown instanceof HttpFailure)) throw thrown;
      if (thrown.kind === 'too-large') {
        throw new SourceError(
          'unavailable',
          `Connect's answer for ${what} exceeded ${MAX_RESPONSE_BYTES / 2 ** 20} MiB: abandoned unread`,
        );
      }
      const hint = thrown.kind === 'tls' ? Hint.connectCa : Hint.connectHost;
      throw new SourceError(
        'unavailable',
        `Connect did not answer for ${what}: ${thrown.message} (${hint})`,
      );
    }
    if (response.status === 200) return response;
    throw this.#failure(response, what);
  }

  #failure(response: HttpResponse, what: string): SourceError {
    if (response.status >= 300 && response.status < 400) {
      return new SourceError(
        'unavailable',
        `Connect answered ${what} with a redirect (HTTP ${response.status}${this.#target(response)}), ` +
          `something other than the API's JSON: redirects are not followed (${Hint.connectHost})`,
      );
    }
    const said = serverMessage(response);
    switch (response.status) {
      case 401:
        return new SourceError(
          'unavailable',
          `Connect rejected the token (401${said}): ${Hint.connectToken}`,
        );
      case 403:
        return new SourceError('denied', `the Connect token may not read ${what} (403${said})`);
      case 404:
        return new SourceError('not-found', `${what} not found (404${said})`);
      case 400:
        return new SourceError(
          'invalid',
          `Connect rejected the request for ${what} as malformed (400${said})`,
        );
      default:
        return new SourceError(
          'unavailable',
          `Connect answered ${what} with HTTP ${response.status}${said}`,
        );
    }
  }

  /** Where a redirect points, as an origin only (a path or query might carry credentials). */
  #target(response: HttpResponse): string {
    if (response.location === undefined) return '';
    try {
      return ` to ${redact(new URL(response.location, this.#origin).origin)}`;
    } catch {
      return '';
    }
  }
}

/** The server's own message, short and without credentials: `: "vault x not found"`. */
function serverMessage(response: HttpResponse): string {
  try {
    const body = JSON.parse(decoder.decode(response.body)) as unknown;
    const message =
      typeof body === 'object' && body !== null ? (body as Json)['message'] : undefined;
    return typeof message === 'string' && message !== ''
      ? `: ${JSON.stringify(redact(message).slice(0, 200))}`
      : '';
  } catch {
    return '';
  }
}
