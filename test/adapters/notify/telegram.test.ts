import { describe, expect, it } from 'vitest';
import { fitText, redactToken } from '../../../src/adapters/notify/telegram.js';

const TOKEN = '7712345678:AAH-s3cr3t_T0ken-value';

describe('helpers', () => {
  it('redactToken removes raw and URL-encoded forms', () => {
    expect(redactToken(`a ${TOKEN} b ${encodeURIComponent(TOKEN)}`, TOKEN)).toBe('a <token> b <token>');
  });

  it('fitText keeps a short text and cuts a long one so its encoded form fits', () => {
    expect(fitText('hello')).toBe('hello');
    const long = 'é'.repeat(5000);
    const cut = fitText(long, 3000);
    expect(encodeURIComponent(cut).length).toBeLessThanOrEqual(3000);
    expect(cut.endsWith('… (truncated)')).toBe(true);
  });
});
