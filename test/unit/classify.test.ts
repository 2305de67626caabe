/**
 * How SDK and op failures are sorted: transient (retried), or final with a contract meaning
 * (unavailable, not-found, ambiguous, invalid, denied). The texts are the ones the real SDK
 * was observed to throw and the ones the fake op prints (test/fakes).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyOpError, opMessage } from '../../src/backends/op-cli.ts';
import { isTransient, type Transient } from '../../src/backends/retry.ts';
import { classifySdkError } from '../../src/backends/sdk.ts';
import { SourceError } from '../../src/backends/source.ts';
import { SDK_ERRORS } from '../fakes/sdk/fake-client.ts';
import {
  makeServiceAccountToken,
  NETWORK_ERROR_TEXT,
  OBSERVED_SIGN_IN_ERRORS,
} from '../fakes/sdk/signin-server.ts';
import { CONNECT_TOKEN, SERVICE_ACCOUNT_TOKEN } from '../fixtures/vault-data.ts';

type Kind = 'transient' | SourceError['failure'];

function kind(sorted: Transient | SourceError): Kind {
  if (sorted instanceof SourceError) return sorted.failure;
  assert.ok(isTransient(sorted), `neither transient nor a SourceError: ${JSON.stringify(sorted)}`);
  return 'transient';
}

function textOf(sorted: Transient | SourceError): string {
  return sorted instanceof SourceError ? sorted.message : sorted.transient;
}

const named = (name: string, message: string): Error => Object.assign(new Error(message), { name });

const observed = (status: number): string => {
  const text = OBSERVED_SIGN_IN_ERRORS[status];
  assert.ok(text !== undefined, `no observed text for ${status}`);
  return text;
};

// ---------------------------------------------------------------------------------------

describe('classifySdkError', () => {
  const table: [string, unknown, Kind][] = [
    // Rate limits
    ['plain rate limit text', new Error('rate limit exceeded'), 'transient'],
    ['429 at sign-in (observed)', new Error(observed(429)), 'transient'],
    ['RateLimitExceededError class', named('RateLimitExceededError', 'slow down'), 'transient'],
    ['too many requests', new Error('Too Many Requests'), 'transient'],
    // Network and server errors
    ['network failure (observed)', new Error(NETWORK_ERROR_TEXT), 'transient'],
    ['408 at sign-in (observed)', new Error(observed(408)), 'transient'],
    ['500 at sign-in (observed)', new Error(observed(500)), 'transient'],
    ['502 at sign-in (observed)', new Error(observed(502)), 'transient'],
    ['503 at sign-in (observed)', new Error(observed(503)), 'transient'],
    ['504 at sign-in (observed)', new Error(observed(504)), 'transient'],
    [
      'AbortSignal.timeout',
      new DOMException('The operation timed out.', 'TimeoutError'),
      'transient',
    ],
    // Sign-in failures: final, the provider is unavailable
    ['401 at sign-in (observed)', new Error(observed(401)), 'unavailable'],
    ['400 at sign-in (observed)', new Error(observed(400)), 'unavailable'],
    ['403 at sign-in (observed)', new Error(observed(403)), 'unavailable'],
    ['404 at sign-in: auth error, not a missing ref', new Error(observed(404)), 'unavailable'],
    ['409 at sign-in (observed)', new Error(observed(409)), 'unavailable'],
    ['no auth (observed)', new Error(SDK_ERRORS.missingAuth), 'unavailable'],
    ['token format (observed)', new Error(SDK_ERRORS.tokenFormat), 'unavailable'],
    ['token base64 (observed)', new Error(SDK_ERRORS.tokenBase64), 'unavailable'],
    ['token JSON (observed)', new Error(SDK_ERRORS.tokenJson), 'unavailable'],
    ['token rejected (observed)', new Error(SDK_ERRORS.tokenRejected), 'unavailable'],
    ['AuthExpiredError class', named('AuthExpiredError', 'session ended'), 'unavailable'],
    // Not found
    ['vault not found', new Error(SDK_ERRORS.vaultNotFound), 'not-found'],
    [
      'vault not found when listing items',
      new Error(SDK_ERRORS.vaultNotFoundForItems),
      'not-found',
    ],
    ['item not found', new Error(SDK_ERRORS.itemNotFound), 'not-found'],
    ['file not found', new Error(SDK_ERRORS.fileNotFound), 'not-found'],
    // Denied
    ['forbidden', new Error('error performing a vault operation: forbidden'), 'denied'],
    [
      'missing permissions outside sign-in',
      new Error(
        "error performing a vault operation: you don't have the right permissions to access this resource",
      ),
      'denied',
    ],
    ['access denied', new Error('access denied'), 'denied'],
    // Anything else: final, unavailable
    ['unknown text', new Error('something unexpected happened in the core'), 'unavailable'],
    ['a thrown string', 'the core panicked', 'unavailable'],
    ['a thrown object', { name: 'Weird', message: 'odd' }, 'unavailable'],
  ];

  for (const [name, thrown, expected] of table) {
    it(`${name} → ${expected}`, () => {
      assert.equal(kind(classifySdkError(thrown)), expected, textOf(classifySdkError(thrown)));
    });
  }

  it('sign-in failures point at the token setting', () => {
    assert.match(
      textOf(classifySdkError(new Error(observed(401)))),
      /service-account-token|OP_SERVICE_ACCOUNT_TOKEN/,
    );
  });

  it('redacts service-account tokens and Connect tokens, in final and transient results', () => {
    const wellFormed = makeServiceAccountToken('http://127.0.0.1:1');
    for (const token of [SERVICE_ACCOUNT_TOKEN, wellFormed]) {
      for (const message of [
        `authentication error: token ${token} was refused`,
        `rate limit exceeded for ${token}`,
        `error performing a vault operation: resource not found (${token})`,
        `something odd: ${token}`,
      ]) {
        const text = textOf(classifySdkError(new Error(message)));
        assert.ok(!text.includes(token), text);
        assert.ok(!text.includes(token.slice(4, 24)), text);
        assert.match(text, /\*\*\*/);
      }
    }
    const text = textOf(classifySdkError(new Error(`odd: Bearer ${CONNECT_TOKEN}`)));
    assert.ok(!text.includes(CONNECT_TOKEN.split('.')[2] ?? CONNECT_TOKEN), text);
  });
});

// ---------------------------------------------------------------------------------------

const STAMP = '[ERROR] 2026/11/23 18:11:08 ';
const err = (message: string): string => `${STAMP}${message}\n`;

const NOT_SIGNED_IN =
  'You are not currently signed in. Please run `op signin --help` for instructions';
const REF_SHAPE = 'op://<vault>/<item>[/<section>]/<field>';

const PANIC = `panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x1c2e4f6]

goroutine 1 [running]:
go.1password.io/op/core/b5.(*Client).Vaults(0x0, {0x2a1c3e0, 0xc0000a4000})
	/builds/dev/core/core/b5/client.go:412 +0x36
main.main()
	/builds/dev/core/op-cli/main.go:31 +0x25
`;

describe('opMessage', () => {
  it("strips op's [ERROR] timestamp prefix and the final newline", () => {
    assert.equal(
      opMessage(err(`"Nowhere" isn't a vault in this account.`)),
      `"Nowhere" isn't a vault in this account.`,
    );
  });

  it('strips every [ERROR] prefix of a several-line message', () => {
    assert.equal(opMessage(`${err('first')}${err('second')}`), 'first\nsecond');
  });

  it('says so when op printed nothing', () => {
    assert.equal(opMessage(''), 'op failed without a message');
    assert.equal(opMessage('  \n'), 'op failed without a message');
  });

  it('redacts ops_ tokens (base64 and base64url alike)', () => {
    for (const token of [SERVICE_ACCOUNT_TOKEN, makeServiceAccountToken('https://x.example')]) {
      const message = opMessage(
        err(
          `error initializing client: the service account token "${token}" could not be used: (401) Unauthorized`,
        ),
      );
      assert.ok(!message.includes(token), message);
      assert.ok(!message.includes(token.slice(4, 24)), message);
      assert.ok(!message.includes(token.slice(-16)), message);
      assert.match(message, /\*\*\*/);
    }
  });

  it('keeps messages short, redacting before cutting', () => {
    const message = opMessage(err(`${'x'.repeat(480)} ${SERVICE_ACCOUNT_TOKEN}`));
    assert.ok(message.length <= 500);
    assert.ok(!message.includes(SERVICE_ACCOUNT_TOKEN.slice(4, 12)), message);
  });
});

describe('classifyOpError (texts of op 2.x, as the fake prints them)', () => {
  const table: [string, string, Kind][] = [
    // Not found
    [
      'vault not found',
      `"Nowhere" isn't a vault in this account. Specify the vault with its ID or name.`,
      'not-found',
    ],
    [
      'item not found in a vault',
      `"nothing" isn't an item in the "Engineering" vault. Specify the item with its UUID, name, or domain.`,
      'not-found',
    ],
    [
      'item not found',
      `"nothing" isn't an item. Specify the item with its UUID, name, or domain.`,
      'not-found',
    ],
    [
      'field not found (op read)',
      `could not read secret 'op://Engineering/deploy/nothing': item 'Engineering/deploy' does not have a field 'nothing'`,
      'not-found',
    ],
    [
      'item not found (op read)',
      `could not read secret 'op://Engineering/nothing/x': could not get item Engineering/nothing: "nothing" isn't an item in the "Engineering" vault. Specify the item with its UUID, name, or domain.`,
      'not-found',
    ],
    // Ambiguous
    [
      'two items',
      'More than one item matches "twin". Try again and specify the item by its ID:\n' +
        '\t* for the item "twin" in vault Engineering: twina00000000000000000000i\n' +
        '\t* for the item "twin" in vault Engineering: twinb00000000000000000000i',
      'ambiguous',
    ],
    [
      'two vaults',
      'More than one vault matches "Shared". Try again and specify the vault by its ID:\n' +
        '\t* for the vault "Shared": shareda000000000000000000v\n' +
        '\t* for the vault "Shared": sharedb000000000000000000v',
      'ambiguous',
    ],
    [
      'two fields',
      'More than one field matches "secret". Try again and specify the field by its ID or section:\n' +
        '\t* for the field "secret" in section "one": abc\n\t* for the field "secret" in section "two": def',
      'ambiguous',
    ],
    [
      'two files',
      'More than one file matches "dup.txt". Try again and specify the file by its ID:\n' +
        '\t* for the file "dup.txt": duptxtone0000000000000000f',
      'ambiguous',
    ],
    // Invalid
    [
      "too many '/'",
      `could not read secret 'op://a/b/c/d/e': too many '/': secret references should match ${REF_SHAPE}`,
      'invalid',
    ],
    [
      "too few '/'",
      `could not read secret 'op://a/b': too few '/': secret references should match ${REF_SHAPE}`,
      'invalid',
    ],
    [
      'bad character',
      `could not read secret 'op://a/b/c€': invalid character in secret reference: '€'`,
      'invalid',
    ],
    [
      'otp on a non-OTP field',
      `could not read secret 'op://Engineering/deploy/password?attribute=otp': the "otp" attribute is only supported for one-time password fields: field 'password' is of type CONCEALED`,
      'invalid',
    ],
    [
      'ssh-format on a non-SSH field',
      `could not read secret 'op://Engineering/deploy/password?ssh-format=openssh': the "ssh-format" query parameter is only supported for SSH key fields: field 'password' is of type CONCEALED`,
      'invalid',
    ],
    // Sign-in: the provider is unavailable
    ['not signed in', NOT_SIGNED_IN, 'unavailable'],
    [
      'not signed in (op read)',
      `could not read secret 'op://Engineering/deploy/token': error initializing client: ${NOT_SIGNED_IN}`,
      'unavailable',
    ],
    [
      'malformed token',
      'error initializing client: failed to DecodeSACredentials: illegal base64 data at input byte 3',
      'unavailable',
    ],
    [
      'token not JSON',
      "error initializing client: failed to DecodeSACredentials: invalid character 'h' looking for beginning of value",
      'unavailable',
    ],
    [
      'token refused (401)',
      "error initializing client: (401) Unauthorized: You aren't authorized to perform this action.",
      'unavailable',
    ],
    [
      'Connect variables left in the environment',
      '1Password Connect credentials are set in the environment (OP_CONNECT_HOST): op would talk to the Connect server instead of a service account or an account session; unset OP_CONNECT_HOST and OP_CONNECT_TOKEN to use op',
      'unavailable',
    ],
    ['a crash', PANIC.trim(), 'unavailable'],
    ['unknown text', 'something odd happened', 'unavailable'],
    // Transient
    [
      '429',
      "(429) Too Many Requests: You've reached the maximum number of requests allowed. Try again later.",
      'transient',
    ],
    ['500', '(500) Internal Server Error: the server encountered an error', 'transient'],
    ['503', '(503) Service Unavailable', 'transient'],
    [
      'timeout',
      'Get "https://my.1password.com/api/v2/vaults": net/http: request timeout',
      'transient',
    ],
    ['connection refused', 'dial tcp 127.0.0.1:443: connect: connection refused', 'transient'],
  ];

  for (const [name, message, expected] of table) {
    it(`${name} → ${expected}`, () => {
      const text = opMessage(err(message));
      assert.equal(text, message.trim().slice(0, 500));
      assert.equal(kind(classifyOpError(text)), expected, text);
    });
  }

  it('echo of the token: redacted by opMessage, and still a sign-in failure', () => {
    const text = opMessage(
      err(
        `error initializing client: the service account token "${SERVICE_ACCOUNT_TOKEN}" could not be used: (401) Unauthorized`,
      ),
    );
    const sorted = classifyOpError(text);
    assert.equal(kind(sorted), 'unavailable');
    assert.ok(!textOf(sorted).includes(SERVICE_ACCOUNT_TOKEN.slice(4, 24)));
  });

  // op quotes the names it was given; a name must not decide how the failure is sorted.
  const names: [string, string, Kind][] = [
    [
      'an item called "signing-key"',
      `"signing-key" isn't an item in the "Engineering" vault. Specify the item with its UUID, name, or domain.`,
      'not-found',
    ],
    [
      'an item called "authenticator"',
      `"authenticator" isn't an item in the "Engineering" vault. Specify the item with its UUID, name, or domain.`,
      'not-found',
    ],
    [
      'a vault called "Team 500"',
      `"Team 500" isn't a vault in this account. Specify the vault with its ID or name.`,
      'not-found',
    ],
    [
      'two items called "timeout"',
      'More than one item matches "timeout". Try again and specify the item by its ID:\n' +
        '\t* for the item "timeout" in vault Engineering: aaaa\n\t* for the item "timeout" in vault Engineering: bbbb',
      'ambiguous',
    ],
  ];
  for (const [name, message, expected] of names) {
    it(`a quoted name does not change the class: ${name} → ${expected}`, () => {
      assert.equal(kind(classifyOpError(opMessage(err(message)))), expected);
    });
  }
});
