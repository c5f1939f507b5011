import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isValidItalianTaxCode, isValidItalianVat, normaliseVat } from './organisations.validation.ts';

// Literals checked by hand against the published algorithms (no real person's code).
describe('partita IVA', () => {
  test('accepts a valid number', () => {
    assert.equal(isValidItalianVat('00743110157'), true);
  });
  test('rejects a wrong check digit, wrong length or letters', () => {
    assert.equal(isValidItalianVat('00743110158'), false);
    assert.equal(isValidItalianVat('00743110150'), false);
    assert.equal(isValidItalianVat('0074311015'), false);
    assert.equal(isValidItalianVat('007431101570'), false);
    assert.equal(isValidItalianVat('0074311015A'), false);
  });
  test('normalises pasted numbers with the IT prefix and spaces', () => {
    assert.equal(normaliseVat('IT 00743 110157'), '00743110157');
  });
});

describe('codice fiscale', () => {
  test('accepts the textbook personal code and its omocodia variant', () => {
    assert.equal(isValidItalianTaxCode('RSSMRA85T10A562S'), true);
    assert.equal(isValidItalianTaxCode('rssmra85t10a562s'), true);
    // last digit 2 replaced by N (omocodia): the check letter becomes H.
    assert.equal(isValidItalianTaxCode('RSSMRA85T10A56NH'), true);
  });
  test('rejects a wrong check letter, bad month letter or bad shape', () => {
    assert.equal(isValidItalianTaxCode('RSSMRA85T10A562T'), false);
    assert.equal(isValidItalianTaxCode('RSSMRA85T10A56NS'), false);
    assert.equal(isValidItalianTaxCode('RSSMRA85F10A562S'), false);
    assert.equal(isValidItalianTaxCode('RSSMRA85T10A562'), false);
    assert.equal(isValidItalianTaxCode('RSSMRA8XT10A562S'), false);
  });
  test('an 11-digit code follows the VAT rule', () => {
    assert.equal(isValidItalianTaxCode('00743110157'), true);
    assert.equal(isValidItalianTaxCode('00743110158'), false);
  });
});
