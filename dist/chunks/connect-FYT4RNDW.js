import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  ConnectSource,
  toItem
} from "./chunk-X22R4PQV.js";
import "./chunk-NM77OSLJ.js";
import "./chunk-PFO4Y6WD.js";
import "./chunk-YIPELEOB.js";
export {
  ConnectSource,
  toItem
};
