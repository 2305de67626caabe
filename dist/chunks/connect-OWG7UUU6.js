import { createRequire as __createRequire } from 'node:module'; import { fileURLToPath as __fileURLToPath } from 'node:url'; const require = __createRequire(import.meta.url); const __filename = __fileURLToPath(import.meta.url); const __dirname = __fileURLToPath(new URL('.', import.meta.url));
import {
  ConnectSource,
  toItem
} from "./chunk-ER2FGHXY.js";
import "./chunk-7OYYZEB7.js";
import "./chunk-PFO4Y6WD.js";
import "./chunk-YIPELEOB.js";
export {
  ConnectSource,
  toItem
};
