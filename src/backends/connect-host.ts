/** The connect-host setting: checked here, before any request (the configure sub-action checks it too). */
import { Code, SecretsError } from '../errors.ts';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Validates connect-host; returns the URL and the warnings it deserves. */
export function connectUrl(host: string): { url: URL; warnings: string[] } {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new SecretsError(
      Code.configInvalid,
      'connect-host is not a URL (expected https://host[:port])',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SecretsError(
      Code.configInvalid,
      `connect-host must be http:// or https://, not ${url.protocol}//`,
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new SecretsError(
      Code.configInvalid,
      'connect-host must not carry credentials, a query or a fragment (the token goes in connect-token)',
    );
  }
  const warnings =
    url.protocol === 'http:' && !LOOPBACK.test(url.hostname)
      ? [
          `connect-host ${url.origin} is plain http: the Connect token crosses the network unencrypted`,
        ]
      : [];
  return { url, warnings };
}
