import { describe, expect, it } from 'vitest';
import { decimalToMinor, formatMinor, minorToDecimal, minorUnitsOf } from './currency.ts';

describe('ISO 4217 minor units', () => {
  it.each([
    ['MYR', 2], ['SGD', 2], ['THB', 2], ['PHP', 2], ['BRL', 2], ['MXN', 2], ['COP', 2], ['TWD', 2], ['IDR', 2],
    ['VND', 0], ['CLP', 0], ['JPY', 0], ['KRW', 0], ['KWD', 3], ['BHD', 3],
  ])('%s has %i decimals', (currency, units) => {
    expect(minorUnitsOf(currency)).toBe(units);
    expect(minorUnitsOf(currency.toLowerCase())).toBe(units);
  });

  it('knows no made-up currency', () => {
    expect(minorUnitsOf('XYZ')).toBeUndefined();
    expect(minorUnitsOf('')).toBeUndefined();
  });
});

describe('decimalToMinor', () => {
  it.each([
    [95.12, 'MYR', 9512],
    [0.1 + 0.2, 'SGD', 30],
    [1299.9, 'THB', 129990],
    [250000, 'VND', 250000],
    [150000, 'IDR', 15000000],
    [12.345, 'KWD', 12345],
    ['95.12', 'MYR', 9512],
    ['250000', 'VND', 250000],
  ])('%j %s is %i minor units', (amount, currency, minor) => {
    expect(decimalToMinor(amount, currency)).toBe(minor);
  });

  it.each([
    [12.345, 'MYR'],
    [2500.5, 'VND'],
    ['1,000', 'VND'],
    [Number.NaN, 'MYR'],
    [Infinity, 'MYR'],
    [null, 'MYR'],
    [10, 'XYZ'],
  ])('refuses %j %s', (amount, currency) => {
    expect(decimalToMinor(amount, currency)).toBeUndefined();
  });
});

describe('minorToDecimal', () => {
  it('turns minor units back into the decimal a provider sends', () => {
    expect(minorToDecimal(9512, 'MYR')).toBe(95.12);
    expect(minorToDecimal(250000, 'VND')).toBe(250000);
    expect(minorToDecimal(12345, 'KWD')).toBe(12.345);
  });
});

describe('formatMinor', () => {
  it("shows minor units with the currency's own decimals, never a guessed two", () => {
    expect(formatMinor(9512, 'MYR')).toBe('95.12');
    expect(formatMinor(5, 'myr')).toBe('0.05');
    expect(formatMinor(-1205, 'USD')).toBe('-12.05');
    expect(formatMinor(67368, 'VND')).toBe('67368');
    expect(formatMinor(12345, 'KWD')).toBe('12.345');
    expect(formatMinor(42, 'XYZ')).toBe('42 minor units');
  });
});
