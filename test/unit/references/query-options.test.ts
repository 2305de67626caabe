/**
 * Query options: `?attribute=otp` (or `totp`) gives an OTP field's current code,
 * `?ssh-format=openssh` converts an SSH key; one option at most, never on a whole item or a file.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Code } from '../../../src/errors.ts';
import { parseRef } from '../../../src/refs.ts';
import { generatedRef, SEED } from '../../support/arbitraries.ts';
import { failure, MemorySource, value } from '../../support/memory-source.ts';
import { type Accepted, itAccepts, itRejects, type Rejected } from '../../support/references.ts';
import { field, file, item, vault } from '../../support/vaults.ts';

describe('parseRef: query options', () => {
  const accepted: Accepted[] = [
    {
      raw: 'op://V/I/F?attribute=otp',
      vault: 'V',
      readings: [{ item: 'I', field: 'F' }],
      option: { kind: 'otp' },
    },
    {
      raw: 'op://V/I/F?attribute=totp',
      vault: 'V',
      readings: [{ item: 'I', field: 'F' }],
      option: { kind: 'otp' },
    },
    {
      raw: 'op://V/I/key?ssh-format=openssh',
      vault: 'V',
      readings: [{ item: 'I', field: 'key' }],
      option: { kind: 'openssh' },
    },
  ];
  itAccepts(accepted);

  const rejected: Rejected[] = [
    { why: 'empty query', raw: 'op://V/I/F?' },
    { why: 'two options with &', raw: 'op://V/I/F?attribute=otp&ssh-format=openssh' },
    { why: 'same option twice', raw: 'op://V/I/F?attribute=otp&attribute=otp' },
    { why: 'unknown attribute', raw: 'op://V/I/F?attribute=password' },
    { why: 'attribute type', raw: 'op://V/I/F?attribute=type' },
    { why: 'upper-case attribute value', raw: 'op://V/I/F?attribute=OTP' },
    { why: 'attribute without value', raw: 'op://V/I/F?attribute' },
    { why: 'attribute with empty value', raw: 'op://V/I/F?attribute=' },
    { why: 'other ssh-format', raw: 'op://V/I/F?ssh-format=pkcs8' },
    { why: 'unknown option', raw: 'op://V/I/F?foo=bar' },
    { why: 'option with trailing &', raw: 'op://V/I/F?attribute=otp&' },
    { why: 'two question marks', raw: 'op://V/I/F??attribute=otp' },
    { why: 'a ? in a title', raw: 'op://V/what?/F' },
    { why: 'query on a whole item', raw: 'op://V/I/*?attribute=otp' },
    { why: 'ssh-format on a whole item', raw: 'op://V/a/b/*?ssh-format=openssh' },
  ];
  itRejects(rejected);
});

describe(`parseRef: query options, generated references (seed ${SEED})`, () => {
  it('a whole item takes no query option', () => {
    fc.assert(
      fc.property(
        generatedRef,
        fc.constantFrom('?attribute=otp', '?attribute=totp', '?ssh-format=openssh'),
        (generated, option) => {
          const text = `op://${generated.vault}/${generated.middle.join('/')}/*${option}`;
          assert.throws(() => parseRef(text), { code: Code.refInvalid });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('Resolver: query options', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  function data(): MemorySource {
    return new MemorySource([
      vault('V', [
        item(
          'I',
          [
            field('password', 'pw'),
            field('one-time password', 'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP', {
              type: 'OTP',
              totp: '123456',
            }),
            field('private key', pkcs8, { type: 'SSHKEY' }),
            field('broken key', 'not a key', { type: 'SSHKEY' }),
          ],
          { files: [file('notes.txt', 'hello')] },
        ),
      ]),
    ]);
  }

  it('?attribute=otp gives the current code', async () => {
    assert.equal(await value(data(), 'op://V/I/one-time password?attribute=otp'), '123456');
  });

  it('?attribute=totp gives the current code', async () => {
    assert.equal(await value(data(), 'op://V/I/one-time password?attribute=totp'), '123456');
  });

  it('?attribute=otp on a non-OTP field is SECRETS_REF_INVALID', async () => {
    const error = await failure(data(), 'op://V/I/password?attribute=otp', 'SECRETS_REF_INVALID');
    assert.ok(!error.message.includes('pw"'), 'no value in the message');
  });

  it('?ssh-format=openssh on a non-SSHKEY field is SECRETS_REF_INVALID', async () => {
    await failure(data(), 'op://V/I/password?ssh-format=openssh', 'SECRETS_REF_INVALID');
  });

  it('?ssh-format=openssh on an OTP field is SECRETS_REF_INVALID', async () => {
    await failure(data(), 'op://V/I/one-time password?ssh-format=openssh', 'SECRETS_REF_INVALID');
  });

  it('?ssh-format=openssh converts an ed25519 PKCS#8 key', async () => {
    const converted = await value(data(), 'op://V/I/private key?ssh-format=openssh');
    assert.equal(typeof converted, 'string');
    assert.ok(
      String(converted).startsWith('-----BEGIN OPENSSH PRIVATE KEY-----'),
      String(converted).slice(0, 40),
    );
    assert.match(String(converted), /-----END OPENSSH PRIVATE KEY-----\n?$/);
  });

  it('without the option the key is returned as stored', async () => {
    assert.equal(await value(data(), 'op://V/I/private key'), pkcs8);
  });

  it('an unconvertible SSH key is SECRETS_REF_INVALID without quoting it', async () => {
    const error = await failure(
      data(),
      'op://V/I/broken key?ssh-format=openssh',
      'SECRETS_REF_INVALID',
    );
    assert.ok(!error.message.includes('not a key'));
  });

  it('a query option on an attached file is SECRETS_REF_INVALID', async () => {
    await failure(data(), 'op://V/I/notes.txt?attribute=otp', 'SECRETS_REF_INVALID');
  });
});
