import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));

// src/backends/item-json.ts
function str(value) {
  return typeof value === "string" ? value : void 0;
}
function object(value, what, unexpected) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw unexpected(what);
  return value;
}
function records(value, what, unexpected) {
  if (!Array.isArray(value)) throw unexpected(what);
  return value.map((entry) => object(entry, what, unexpected));
}
function summary(record, titleKey, what, unexpected) {
  const id = str(record["id"]);
  if (id === void 0) throw unexpected(what);
  return { id, title: str(record[titleKey]) ?? "" };
}
function sectionId(value) {
  return typeof value === "object" && value !== null ? str(value["id"]) : void 0;
}
function toItem(value, vaultId, unexpected) {
  const what = "an item";
  const record = object(value, what, unexpected);
  const { id, title } = summary(record, "title", what, unexpected);
  const list = (key) => records(record[key] ?? [], what, unexpected);
  const sections = list("sections").map((section) => ({
    id: str(section["id"]) ?? "",
    label: str(section["label"]) ?? ""
  }));
  const fields = list("fields").map((field) => ({
    id: str(field["id"]) ?? "",
    label: str(field["label"]) ?? "",
    type: str(field["type"]) ?? "STRING",
    value: str(field["value"]) ?? "",
    sectionId: sectionId(field["section"]),
    totp: str(field["totp"])
  }));
  const files = list("files").map((file) => ({
    id: str(file["id"]) ?? "",
    name: str(file["name"]) ?? "",
    sectionId: sectionId(file["section"])
  }));
  return { id, title, vaultId, sections, fields, files };
}

export {
  object,
  records,
  summary,
  toItem
};
