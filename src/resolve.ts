/**
 * The one resolver every backend shares: finds vaults, items, sections, fields and files
 * for each distinct reference, and applies the contract's rules (IDs first, exact titles,
 * ambiguity, the two readings of four segments, OTP and SSH options, whole items).
 */
import type {
  Attachment,
  Field,
  Item,
  ItemSummary,
  SecretSource,
  VaultSummary,
} from './backends/source.ts';
import { isAnsweredId, refusedId, SourceError } from './backends/source.ts';
import { Code, describe, providerUnavailable, SecretsError } from './errors.ts';
import { redact } from './redact.ts';
import { isId, type Reading, type Ref } from './refs.ts';
import { toOpenSsh } from './ssh.ts';

/** A field of a whole item, named by the contract's rule (`SECTION_LABEL`, without the prefix). */
export interface ItemField {
  readonly suffix: string;
  readonly label: string;
  readonly value: string;
}

export type Resolved =
  | { readonly kind: 'value'; readonly value: string | Uint8Array }
  | { readonly kind: 'item'; readonly fields: readonly ItemField[] };

export type Outcome = Resolved | SecretsError;

/** A reading that did not match; kept apart from hard failures to weigh two readings. */
class NotFound extends Error {}

function quote(text: string): string {
  return JSON.stringify(text);
}

function ambiguous(message: string): SecretsError {
  return new SecretsError(Code.refAmbiguous, message);
}

/** A list's candidates by ID, by exact title and by title ignoring case, in the list's order. */
interface Index<T> {
  readonly byId: ReadonlyMap<string, readonly T[]>;
  readonly exact: ReadonlyMap<string, readonly T[]>;
  readonly folded: ReadonlyMap<string, readonly T[]>;
}

// Built once per list (a vault's items, an item's fields): many refs into one item cost one
// lookup each, never a scan of every field.
const indexes = new WeakMap<readonly object[], Index<object>>();

function indexOf<T extends { readonly id: string }>(
  candidates: readonly T[],
  titleOf: (candidate: T) => string,
): Index<T> {
  const known = indexes.get(candidates) as Index<T> | undefined;
  if (known) return known;
  const byId = new Map<string, T[]>();
  const exact = new Map<string, T[]>();
  const folded = new Map<string, T[]>();
  const add = (map: Map<string, T[]>, key: string, candidate: T) => {
    const bucket = map.get(key);
    if (bucket) bucket.push(candidate);
    else map.set(key, [candidate]);
  };
  for (const candidate of candidates) {
    const title = titleOf(candidate);
    add(byId, candidate.id, candidate);
    add(exact, title, candidate);
    add(folded, title.toLowerCase(), candidate);
  }
  const index = { byId, exact, folded };
  indexes.set(candidates, index);
  return index;
}

/**
 * Matches by ID first, then by exact title (or label), then ignoring case as 1Password's own
 * tools do; a tier with several matches is returned whole, for the caller to call ambiguous.
 * `within` narrows the candidates (a section's fields) before the tiers are weighed.
 */
function pick<T extends { readonly id: string }>(
  candidates: readonly T[],
  segment: string,
  titleOf: (candidate: T) => string,
  within: (candidate: T) => boolean = () => true,
): T[] {
  const { byId, exact, folded } = indexOf(candidates, titleOf);
  for (const [tier, key] of [
    [byId, segment],
    [exact, segment],
    [folded, segment.toLowerCase()],
  ] as const) {
    const found = (tier.get(key) ?? []).filter(within);
    if (found.length > 0) return found;
  }
  return [];
}

/** A server's ID that is not put in a request path: fails the secrets that need it, never the run. */
class RefusedId extends SecretsError {
  constructor(message: string) {
    super(Code.providerUnavailable, message);
  }
}

/**
 * An ID taken from a backend's answer, checked before it goes into the next request's path or
 * reference: `../x` or `a b` from a broken or hostile server is never sent (nor retried).
 */
function answeredId(id: string, what: string): string {
  if (isAnsweredId(id)) return id;
  throw new RefusedId(redact(`the server answered ${what} ${refusedId(id)}`));
}

export class Resolver {
  readonly #source: SecretSource;
  readonly #cache = new Map<string, Promise<unknown>>();

  constructor(source: SecretSource) {
    this.#source = source;
  }

  /** Resolves each distinct reference once; failures come back as values, never thrown, except a provider failure. */
  async resolveAll(refs: readonly Ref[]): Promise<Map<string, Outcome>> {
    const distinct = [...new Map(refs.map((ref) => [ref.text, ref])).values()];
    const batched = await this.#batch(distinct).catch((thrown: unknown) => {
      throw toSecretsError(thrown);
    });
    const entries = await Promise.all(
      distinct.map(async (ref) => {
        const value = batched.get(ref.text);
        const outcome: Outcome =
          value === undefined ? await this.#settle(ref) : { kind: 'value', value };
        return [ref.text, outcome] as const;
      }),
    );
    return new Map(entries);
  }

  /** The backend's native batch, for the references it reads exactly as this resolver would. */
  async #batch(refs: readonly Ref[]): Promise<ReadonlyMap<string, string>> {
    const simple = refs.filter(isSimple).map((ref) => ref.text);
    if (!this.#source.readBatch || simple.length === 0) return new Map();
    return (await this.#source.readBatch(simple)) ?? new Map();
  }

  async #settle(ref: Ref): Promise<Outcome> {
    try {
      return await this.resolve(ref);
    } catch (thrown) {
      const error = toSecretsError(thrown);
      if (error.code === Code.providerUnavailable && !(error instanceof RefusedId)) throw error;
      return error;
    }
  }

  async resolve(ref: Ref): Promise<Resolved> {
    const vault = await this.#vault(ref.vault);
    const outcomes = await Promise.all(
      ref.readings.map((reading) => this.#reading(vault, reading, ref).catch((e: unknown) => e)),
    );
    const matched = outcomes.filter((outcome): outcome is Resolved => isResolved(outcome));
    const hard = outcomes.find((outcome) => !isResolved(outcome) && !(outcome instanceof NotFound));
    if (hard !== undefined) throw toSecretsError(hard);
    if (matched.length > 1) {
      const [path, sectioned] = ref.readings as [Reading, Reading];
      throw ambiguous(
        `both readings match: item "${path.item}", and item "${sectioned.item}" with section ` +
          `"${'section' in sectioned ? sectioned.section : ''}"; rename one, or use the item's ID`,
      );
    }
    const [only] = matched;
    if (only) return only;
    const reasons = outcomes.map((outcome) => describe(outcome));
    throw new SecretsError(Code.refNotFound, reasons.join('; and '));
  }

  #once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let pending = this.#cache.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = load();
      this.#cache.set(key, pending);
    }
    return pending;
  }

  async #vault(segment: string): Promise<VaultSummary> {
    const vaults = await this.#once('vaults', () => this.#source.listVaults());
    const found = pick(vaults, segment, (vault) => vault.title);
    if (found.length > 1) {
      const ids = found.map((vault) => vault.id).join(', ');
      throw ambiguous(
        `${found.length} vaults are titled ${quote(segment)} (${ids}): use the vault's ID`,
      );
    }
    if (found[0]) return found[0];
    if (isId(segment)) {
      // Not listed: ask for it, to tell a vault outside the token's scope from a missing one.
      return this.#once(`vault:${segment}`, () => this.#source.getVault(segment));
    }
    throw new SecretsError(
      Code.refNotFound,
      `vault ${quote(segment)} not found (or not shared with this token)`,
    );
  }

  async #item(vault: VaultSummary, segment: string): Promise<Item> {
    const vaultId = answeredId(vault.id, `vault ${quote(vault.title)}`);
    const items = await this.#once(`items:${vaultId}`, () => this.#source.listItems(vaultId));
    const found = pick<ItemSummary>(items, segment, (item) => item.title);
    if (found.length > 1) {
      const ids = found.map((item) => item.id).join(', ');
      throw ambiguous(
        `${found.length} items are titled ${quote(segment)} in vault ${quote(vault.title)} (${ids}): use the item's ID`,
      );
    }
    const [summary] = found;
    if (!summary)
      throw new NotFound(`item ${quote(segment)} not found in vault ${quote(vault.title)}`);
    const itemId = answeredId(summary.id, `item ${quote(summary.title)}`);
    return this.#once(`item:${vaultId}/${itemId}`, () => this.#source.getItem(vaultId, itemId));
  }

  async #reading(vault: VaultSummary, reading: Reading, ref: Ref): Promise<Resolved> {
    const item = await this.#item(vault, reading.item);
    if ('wholeItem' in reading) return { kind: 'item', fields: wholeItem(item) };
    const where = `item ${quote(item.title)} in vault ${quote(vault.title)}`;
    let within: (candidate: Field | Attachment) => boolean = () => true;
    if (reading.section !== undefined) {
      const sections = pick(item.sections, reading.section, (section) => section.label);
      if (sections.length === 0) {
        throw new NotFound(`section ${quote(reading.section)} not found in ${where}`);
      }
      const ids = new Set(sections.map((section) => section.id));
      within = (candidate) => candidate.sectionId !== undefined && ids.has(candidate.sectionId);
    }
    const field = this.#field(item, reading.field, within, where);
    if (field) return { kind: 'value', value: await fieldValue(field, ref) };
    const file = this.#file(item, reading.field, within, where);
    if (file && ref.option) {
      throw new SecretsError(
        Code.refInvalid,
        `query options do not apply to the attached file ${quote(file.name)}`,
      );
    }
    if (file) {
      const ids = [
        answeredId(vault.id, `vault ${quote(vault.title)}`),
        answeredId(item.id, `item ${quote(item.title)}`),
        answeredId(file.id, `file ${quote(file.name)}`),
      ] as const;
      const bytes = await this.#once(`file:${ids.join('/')}`, () => this.#source.getFile(...ids));
      return { kind: 'value', value: bytes };
    }
    const inSection = reading.section === undefined ? '' : ` in section ${quote(reading.section)}`;
    throw new NotFound(`field ${quote(reading.field)}${inSection} not found in ${where}`);
  }

  #field(
    item: Item,
    segment: string,
    within: (field: Field) => boolean,
    where: string,
  ): Field | undefined {
    const found = pick(item.fields, segment, (field) => field.label, within);
    if (found.length <= 1) return found[0];
    const outside = found.filter((field) => sectionLabel(item, field) === undefined);
    if (outside.length === 1) return outside[0];
    const sections = found.map((field) => quote(sectionLabel(item, field) ?? '(none)'));
    throw ambiguous(
      `${found.length} fields are labelled ${quote(segment)} in ${where} (sections ${sections.join(', ')}): ` +
        'name the section, op://<vault>/<item>/<section>/<field>',
    );
  }

  #file(
    item: Item,
    segment: string,
    within: (file: Attachment) => boolean,
    where: string,
  ): Attachment | undefined {
    const found = pick(item.files, segment, (file) => file.name, within);
    if (found.length > 1) {
      throw ambiguous(
        `${found.length} files are named ${quote(segment)} in ${where}: use the file's ID`,
      );
    }
    return found[0];
  }
}

const PLAIN_SEGMENT = /^[A-Za-z0-9._-](?:[A-Za-z0-9 ._-]*[A-Za-z0-9._-])?$/;

/**
 * `op://vault/item/field` with only the characters 1Password's reference syntax allows: one
 * reading, no section, no whole item, so that a native batch reads it the same way.
 */
function isSimple(ref: Ref): boolean {
  const [reading] = ref.readings;
  if (ref.readings.length !== 1 || reading === undefined || 'wholeItem' in reading) return false;
  if (reading.section !== undefined) return false;
  return [ref.vault, reading.item, reading.field].every((segment) => PLAIN_SEGMENT.test(segment));
}

function isResolved(outcome: unknown): outcome is Resolved {
  return typeof outcome === 'object' && outcome !== null && 'kind' in outcome;
}

/** The label of the field's section; undefined when it is in none or in an unlabelled one. */
function sectionLabel(item: Item, field: Field): string | undefined {
  if (field.sectionId === undefined) return undefined;
  const label = item.sections.find((section) => section.id === field.sectionId)?.label;
  return label === '' ? undefined : label;
}

async function fieldValue(field: Field, ref: Ref): Promise<string> {
  const name = quote(field.label || field.id);
  switch (ref.option?.kind) {
    case undefined:
      return field.value;
    case 'otp':
      if (field.type !== 'OTP') {
        throw new SecretsError(
          Code.refInvalid,
          `?attribute=otp needs a one-time password field; field ${name} is ${field.type}`,
        );
      }
      if (field.totp === undefined) {
        throw providerUnavailable(
          `the server returned no current code for the one-time password field ${name}`,
        );
      }
      return field.totp;
    case 'openssh':
      if (field.type !== 'SSHKEY') {
        throw new SecretsError(
          Code.refInvalid,
          `?ssh-format=openssh needs an SSH key field; field ${name} is ${field.type}`,
        );
      }
      return toOpenSsh(field.value, name);
  }
}

/** `api key` -> `API_KEY`: upper case, each run outside [A-Za-z0-9] one `_`, no `_` at either end. */
export function envSuffix(text: string): string {
  return text
    .toUpperCase()
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function wholeItem(item: Item): ItemField[] {
  const fields: ItemField[] = [];
  const byName = new Map<string, string>();
  for (const field of item.fields) {
    const value = field.type === 'OTP' ? field.totp : field.value;
    if (value === undefined || value === '') continue;
    const section = sectionLabel(item, field);
    const label = field.label || field.id;
    const parts = section === undefined ? [label] : [section, label];
    const suffix = parts.map(envSuffix).join('_');
    const shown = section === undefined ? quote(label) : `${quote(section)}/${quote(label)}`;
    if (parts.some((part) => envSuffix(part) === '')) {
      throw new SecretsError(
        Code.configInvalid,
        `field ${shown} of item ${quote(item.title)} maps to no usable name`,
      );
    }
    const earlier = byName.get(suffix);
    if (earlier !== undefined) {
      throw new SecretsError(
        Code.configInvalid,
        `fields ${earlier} and ${shown} of item ${quote(item.title)} both map to the name suffix ${quote(suffix)}`,
      );
    }
    byName.set(suffix, shown);
    fields.push({ suffix, label: shown, value });
  }
  return fields;
}

/** Backend and library failures in the contract's terms, with credentials removed. */
export function toSecretsError(thrown: unknown): SecretsError {
  if (thrown instanceof SecretsError) return thrown;
  if (thrown instanceof NotFound) return new SecretsError(Code.refNotFound, thrown.message);
  if (thrown instanceof SourceError) {
    const message = redact(thrown.message);
    switch (thrown.failure) {
      case 'unavailable':
        return providerUnavailable(message);
      case 'denied':
        return new SecretsError(Code.accessDenied, message);
      case 'not-found':
        return new SecretsError(Code.refNotFound, message);
      case 'invalid':
        return new SecretsError(Code.refInvalid, message);
      case 'ambiguous':
        return new SecretsError(Code.refAmbiguous, message);
    }
  }
  return providerUnavailable(`unexpected failure: ${redact(describe(thrown))}`);
}
