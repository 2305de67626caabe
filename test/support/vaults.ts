/**
 * Builders for vault data held in memory: `vault('V', [item('I', [field('f', 'v')])])` reads as
 * the data it makes. IDs left out are made up by whoever turns the specs into items.
 */

export interface FieldSpec {
  label: string;
  value: string;
  type?: string;
  section?: string;
  totp?: string;
  id?: string;
}

export interface FileSpec {
  name: string;
  content: Uint8Array | string;
  section?: string;
  id?: string;
}

export interface ItemSpec {
  title: string;
  id?: string;
  /** Section id -> label. */
  sections?: Record<string, string>;
  fields?: FieldSpec[];
  files?: FileSpec[];
}

export interface VaultSpec {
  title: string;
  id?: string;
  items: ItemSpec[];
}

/** A field (CONCEALED unless `more.type` says otherwise). */
export function field(
  label: string,
  value: string,
  more: Omit<FieldSpec, 'label' | 'value'> = {},
): FieldSpec {
  return { label, value, ...more };
}

/** An attached file. */
export function file(
  name: string,
  content: Uint8Array | string,
  more: Omit<FileSpec, 'name' | 'content'> = {},
): FileSpec {
  return { name, content, ...more };
}

/** An item with these fields; sections, files and an ID in `more`. */
export function item(
  title: string,
  fields: FieldSpec[] = [],
  more: Omit<ItemSpec, 'title' | 'fields'> = {},
): ItemSpec {
  return { title, fields, ...more };
}

/** A vault holding these items. */
export function vault(title: string, items: ItemSpec[], more: { id?: string } = {}): VaultSpec {
  return { title, items, ...more };
}
