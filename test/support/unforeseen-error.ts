/**
 * Preloaded with `--import`: an error nobody foresaw, thrown on a later tick with the
 * service-account token in its message. In the main step as soon as it starts a process (op:
 * the token is registered by then), in the post step as soon as it runs.
 */
import { subscribe } from 'node:diagnostics_channel';

const message = `unforeseen, holding ${process.env['OP_SERVICE_ACCOUNT_TOKEN'] ?? ''}`;
const throwLater = () =>
  setImmediate(() => {
    throw new Error(message);
  });
if (process.argv[1]?.endsWith('post.js')) throwLater();
else subscribe('child_process', throwLater);
