import { describe, expect, it } from 'vitest';
import { formatAc, parseAc } from './ac.ts';
import { checksumSource, signChecksum, verifyChecksum } from './checksum.ts';
import { loadFpxTestKeys } from './test-keys.ts';

/** A Direct AC with every field set, in FPX's listing order. */
const AC = {
  fpx_msgType: 'AC',
  fpx_msgToken: '01',
  fpx_fpxTxnId: '2603091021070123',
  fpx_sellerExId: 'EX00012345',
  fpx_sellerExOrderNo: 'INV20260309001',
  fpx_fpxTxnTime: '20260309102107',
  fpx_sellerTxnTime: '20260309102045',
  fpx_sellerOrderNo: 'INV20260309001',
  fpx_sellerId: 'SE00054321',
  fpx_txnCurrency: 'MYR',
  fpx_txnAmount: '150.00',
  fpx_buyerBankId: 'MB2U0227',
  fpx_buyerBankBranch: 'MAYBANK2U',
  fpx_buyerName: 'AHMAD BIN ALI',
  fpx_buyerId: '',
  fpx_makerName: '',
  fpx_buyerIban: '',
  fpx_debitAuthCode: '00',
  fpx_debitAuthNo: '18273645',
  fpx_creditAuthCode: '00',
  fpx_creditAuthNo: '9988776655',
  fpx_checkSum: 'IGNORED',
};

// Written out by hand in FPX's checksum field order, not produced by the code under test.
const SOURCE =
  'MAYBANK2U|MB2U0227|||AHMAD BIN ALI|00|9988776655|00|18273645|2603091021070123|20260309102107||01|AC|EX00012345|INV20260309001|SE00054321|INV20260309001|20260309102045|150.00|MYR';

// `printf '%s' "$SOURCE" | openssl dgst -sha1 -sign fixtures/keys/fpx-test-private.pem -hex`
// (RSA PKCS#1 v1.5 is deterministic). If the test keys are ever regenerated, recompute this.
const OPENSSL_SIGNATURE =
  '59dfbcc3c1dc401db1c7cb750badb035407442a838bb08af15453b0c426b74008f121b882a0eb89963699ec28c81bd55223f21a755c78b7e44de3e6126210f23644e531955ee8686508e6a8360a3812a38699b2c510f7c5a79cf927117cf4db41d19354872b6ffdf7c247e887c5966cb6320c3dea2037a12ca39535ef882c32068020dc27e90544edd97ec400bbd452df7c54afc6cf76455684c8d135e9b0b469536bb939a1672df0c6c71ba9929e8eee589b4eaf6100ab12f6920921afa0db85f9e51da25bd8c8c39307ff8fdce5edeb30dc4f542888f3e8c812e3a8a0acdafb82b33c8ac0014983e56cadef5672a36d7411b72c6efca59a019cbefbe06ca4c';

const keys = loadFpxTestKeys();

describe('fpx checksumSource', () => {
  it('joins the 21 values in checksum order, keeping empty values as empty segments', () => {
    expect(checksumSource(AC)).toBe(SOURCE);
    expect(SOURCE.split('|')).toHaveLength(21);
  });

  it('does not depend on the order the fields arrive in, and ignores fpx_checkSum and unknown fields', () => {
    const shuffled = Object.fromEntries(Object.entries(AC).reverse());
    expect(checksumSource({ ...shuffled, fpx_checkSum: 'X', fpx_extra: 'Y' })).toBe(SOURCE);
  });

  it('treats a missing field as an empty value', () => {
    const rest: Record<string, string> = { ...AC };
    delete rest['fpx_buyerName'];
    expect(checksumSource(rest)).toBe(SOURCE.replace('AHMAD BIN ALI', ''));
  });
});

describe('fpx signChecksum / verifyChecksum', () => {
  it('produces the OpenSSL SHA1withRSA signature for the test key, in upper-case hex', () => {
    expect(signChecksum(SOURCE, keys.privateKeyPem)).toBe(OPENSSL_SIGNATURE.toUpperCase());
  });

  it('verifies a signature made by OpenSSL, in either case', () => {
    expect(verifyChecksum(SOURCE, OPENSSL_SIGNATURE, keys.publicKeyPem)).toBe(true);
    expect(verifyChecksum(SOURCE, OPENSSL_SIGNATURE.toUpperCase(), keys.publicKeyPem)).toBe(true);
  });

  it('round-trips sign → verify through a form body', () => {
    const checkSum = signChecksum(checksumSource(AC), keys.privateKeyPem);
    const received = parseAc(formatAc({ ...AC, fpx_checkSum: checkSum }));
    expect(verifyChecksum(checksumSource(received), received['fpx_checkSum']!, keys.publicKeyPem)).toBe(true);
  });

  it.each([
    ['amount', { fpx_txnAmount: '1500.00' }],
    ['debit auth code', { fpx_debitAuthCode: '51' }],
    ['an empty value filled in', { fpx_buyerIban: 'MY00' }],
    ['buyer name', { fpx_buyerName: 'AHMAD BIN ALl' }],
  ])('rejects a checksum when the %s is tampered with', (_label, change) => {
    const checkSum = signChecksum(SOURCE, keys.privateKeyPem);
    expect(verifyChecksum(checksumSource({ ...AC, ...change }), checkSum, keys.publicKeyPem)).toBe(false);
  });

  it('rejects a malformed or truncated checksum without throwing', () => {
    expect(verifyChecksum(SOURCE, '', keys.publicKeyPem)).toBe(false);
    expect(verifyChecksum(SOURCE, 'zz', keys.publicKeyPem)).toBe(false);
    expect(verifyChecksum(SOURCE, OPENSSL_SIGNATURE.slice(0, 200), keys.publicKeyPem)).toBe(false);
  });
});
