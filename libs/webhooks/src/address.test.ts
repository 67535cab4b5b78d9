import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from './address.ts';
import { checkWebhookHost, webhookCreate } from './registration.ts';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fd12:3456::1',
    'fc00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::127.0.0.1',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '93.184.215.14', '172.32.0.1', '11.0.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );
});

describe('checkWebhookHost', () => {
  const check = (url: string, addresses: string[] | Error, allowPrivate = false) =>
    checkWebhookHost(new URL(url), {
      allowPrivate,
      resolve: async () => {
        if (addresses instanceof Error) throw addresses;
        return addresses;
      },
    });

  it('checks address literals as they are, after URL normalisation', async () => {
    expect(await check('http://127.0.0.1/h', [])).toMatchObject({ ok: false, reason: 'private' });
    expect(await check('http://[::1]/h', [])).toMatchObject({ ok: false, reason: 'private' });
    expect(await check('http://[::ffff:127.0.0.1]/h', [])).toMatchObject({ ok: false, reason: 'private' });
    expect(await check('http://0x7f.1/h', [])).toMatchObject({ ok: false, reason: 'private' });
    expect(await check('http://2130706433/h', [])).toMatchObject({ ok: false, reason: 'private' });
    expect(await check('https://8.8.8.8/h', [])).toEqual({ ok: true });
  });

  it('refuses a name when any of its addresses is private', async () => {
    expect(await check('https://hooks.example.com/h', ['93.184.215.14'])).toEqual({ ok: true });
    expect(await check('https://hooks.example.com/h', ['93.184.215.14', '10.0.0.5'])).toMatchObject({
      ok: false,
      reason: 'private',
    });
    expect(await check('https://hooks.example.com/h', ['fd00::5'])).toMatchObject({ ok: false });
  });

  it('tells a name that does not exist from a resolver that does not answer', async () => {
    const missing = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    const again = Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    expect(await check('https://nowhere.example/h', missing)).toMatchObject({ reason: 'unresolvable' });
    expect(await check('https://nowhere.example/h', again)).toMatchObject({ reason: 'dns_unavailable' });
  });

  it('resolves localhost through the system resolver and refuses it', async () => {
    expect(await checkWebhookHost(new URL('http://localhost:9/h'), { allowPrivate: false })).toMatchObject({
      ok: false,
      reason: 'private',
    });
  });

  it('allows anything when private addresses are allowed', async () => {
    expect(await check('http://127.0.0.1/h', [], true)).toEqual({ ok: true });
  });
});

describe('webhookCreate', () => {
  const issues = (body: unknown) => {
    const result = webhookCreate.safeParse(body);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('takes an http or https URL and an optional whsec_ secret', () => {
    expect(issues({ url: 'https://hooks.example.com/qh' })).toEqual([]);
    expect(
      issues({ url: 'http://hooks.example.com:8080/qh?x=1', secret: `whsec_${'A'.repeat(32)}` }),
    ).toEqual([]);
  });

  it('names the field of each problem', () => {
    expect(issues({ url: 'ftp://hooks.example.com/' })).toEqual(['url: must be an http or https URL']);
    expect(issues({ url: 'hooks.example.com/qh' })).toEqual(['url: must be an absolute http or https URL']);
    expect(issues({ url: `https://h.example/${'a'.repeat(2048)}` })).toEqual([
      'url: must be at most 2048 characters',
    ]);
    expect(issues({ url: 'https://user:pw@h.example/' })).toEqual([
      'url: must not contain a user name or password',
    ]);
    expect(issues({ url: 'https://h.example/', secret: 'whsec_abc' })).toEqual([
      'secret: must be whsec_ followed by the base64 of 24 to 64 bytes',
    ]);
    expect(issues({})).toHaveLength(1);
    expect(issues({ url: 42 })[0]).toMatch(/^url: /);
  });
});
