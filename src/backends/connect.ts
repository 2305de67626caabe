/** A self-hosted 1Password Connect server, over its REST API. */

import { Hint } from '../errors.ts';
import { redact } from '../redact.ts';
import { HttpClient, HttpFailure, type HttpResponse } from './http.ts';
import type { Clock, RetryPolicy } from './retry.ts';
import type {
  Attachment,
  Field,
  Item,
  ItemSummary,
  SecretSource,
  Section,
  VaultSummary,
} from './source.ts';
import { SourceError } from './source.ts';

export interface ConnectOptions {
  /** Base URL, already validated (http or https, no query). */
  readonly host: URL;
  readonly token: string;
  /** Trusted CA certificates (PEM); undefined keeps Node's defaults. */
  readonly ca?: readonly string[];
  readonly concurrency?: number;
  readonly policy?: RetryPolicy;
  readonly clock?: Clock;
}

type Json = Record<string, unknown>;

const decoder = new TextDecoder('utf-8', { fatal: true });

function notJson(what: string): SourceError {
  return new SourceError(
    'unavailable',
    `Connect answered ${what} with something other than the API's JSON (${Hint.connectHost})`,
  );
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function records(value: unknown, what: string): Json[] {
  if (
    !Array.isArray(value) ||
    !value.every((entry) => typeof entry === 'object' && entry !== null)
  ) {
    throw notJson(what);
  }
  return value as Json[];
}

function sectionId(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? str((value as Json)['id']) : undefined;
}

function summary(
  record: Json,
  titleKey: 'name' | 'title',
  what: string,
): { id: string; title: string } {
  const id = str(record['id']);
  if (id === undefined) throw notJson(what);
  return { id, title: str(record[titleKey]) ?? '' };
}

export function toItem(record: Json, vaultId: string): Item {
  const what = 'an item';
  const { id, title } = summary(record, 'title', what);
  const sections: Section[] = records(record['sections'] ?? [], what).map((section) => ({
    id: str(section['id']) ?? '',
    label: str(section['label']) ?? '',
  }));
  const fields: Field[] = records(record['fields'] ?? [], what).map((field) => ({
    id: str(field['id']) ?? '',
    label: str(field['label']) ?? '',
    type: str(field['type']) ?? 'STRING',
    value: str(field['value']) ?? '',
    sectionId: sectionId(field['section']),
    totp: str(field['totp']),
  }));
  const files: Attachment[] = records(record['files'] ?? [], what).map((file) => ({
    id: str(file['id']) ?? '',
    name: str(file['name']) ?? '',
    sectionId: sectionId(file['section']),
  }));
  return { id, title, vaultId, sections, fields, files };
}

export class ConnectSource implements SecretSource {
  readonly name = 'connect';
  readonly #http: HttpClient;
  readonly #base: string;

  constructor(options: ConnectOptions) {
    this.#base = options.host.pathname.replace(/\/+$/, '');
    this.#http = new HttpClient({
      origin: options.host.origin,
      headers: { authorization: `Bearer ${options.token}`, accept: 'application/json' },
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
  }

  async listVaults(): Promise<VaultSummary[]> {
    const body = await this.#json('/v1/vaults', 'the vault list');
    return records(body, 'the vault list').map((vault) => summary(vault, 'name', 'the vault list'));
  }

  async getVault(vaultId: string): Promise<VaultSummary> {
    const body = await this.#json(`/v1/vaults/${vaultId}`, `vault ${vaultId}`);
    if (typeof body !== 'object' || body === null) throw notJson(`vault ${vaultId}`);
    return summary(body as Json, 'name', `vault ${vaultId}`);
  }

  async listItems(vaultId: string): Promise<ItemSummary[]> {
    const what = `the item list of vault ${vaultId}`;
    const body = await this.#json(`/v1/vaults/${vaultId}/items`, what);
    return records(body, what).map((item) => summary(item, 'title', what));
  }

  async getItem(vaultId: string, itemId: string): Promise<Item> {
    const what = `item ${itemId} of vault ${vaultId}`;
    const body = await this.#json(`/v1/vaults/${vaultId}/items/${itemId}`, what);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw notJson(what);
    return toItem(body as Json, vaultId);
  }

  async getFile(vaultId: string, itemId: string, fileId: string): Promise<Uint8Array> {
    const what = `file ${fileId} of item ${itemId}`;
    const response = await this.#get(
      `/v1/vaults/${vaultId}/items/${itemId}/files/${fileId}/content`,
      what,
    );
    return response.body;
  }

  close(): Promise<void> {
    return this.#http.close();
  }

  async #json(path: string, what: string): Promise<unknown> {
    const response = await this.#get(path, what);
    if (!response.contentType.toLowerCase().includes('json')) throw notJson(what);
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
      const hint = thrown.tls ? Hint.connectCa : Hint.connectHost;
      throw new SourceError(
        'unavailable',
        `Connect did not answer for ${what}: ${thrown.message} (${hint})`,
      );
    }
    if (response.status === 200) return response;
    throw this.#failure(response, what);
  }

  #failure(response: HttpResponse, what: string): SourceError {
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
}

/** The server's own message, short and without credentials: `: "vault x not found"`. */
function serverMessage(response: HttpResponse): string {
  try {
    const body = JSON.parse(decoder.decode(response.body)) as unknown;
    const message =
      typeof body === 'object' && body !== null ? str((body as Json)['message']) : undefined;
    return message ? `: ${JSON.stringify(redact(message).slice(0, 200))}` : '';
  } catch {
    return '';
  }
}
