/**
 * Property-based fuzzing of the report's escaping. Any text escaped for HTML contains no
 * markup character and decodes back to itself. Any value serialized for a script element
 * contains no character that could end the element, and parses back to the same value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzTimeout, runFuzz } from '../../../../test/support/fuzz.js';
import { escapeHtml, jsonForScript } from './escape.js';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** Decodes the five entities escapeHtml writes, as an HTML parser reads them. */
function decode(html: string): string {
  return html.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!);
}

// Text a log can carry, with the characters that matter for HTML and script elements made common.
const hostileText = fc.string({
  unit: fc.oneof(fc.constantFrom('<', '>', '&', '"', "'", '/', '!', '-', '\u2028', '\u2029', 'script', '</script', '<!--', '&amp;'), fc.string({ unit: 'grapheme', maxLength: 1 })),
  maxLength: 40,
});

describe('report escaping fuzzing', { timeout: fuzzTimeout() }, () => {
  it('escapes any text to inert HTML that decodes back', () => {
    runFuzz('escapeHtml is inert and reversible', fc.property(hostileText, (text) => {
      const html = escapeHtml(text);
      expect(html).not.toMatch(/[<>"']/);
      expect(html.replace(/&(?:amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
      expect(decode(html)).toBe(text);
    }), 5000);
  });

  it('serializes any value without closing its script element', () => {
    const value = fc.jsonValue({ maxDepth: 3 }).chain((base) => fc.record({ base: fc.constant(base), label: hostileText, list: fc.array(hostileText, { maxLength: 4 }) }));
    runFuzz('jsonForScript is inert and reversible', fc.property(value, (data) => {
      const json = jsonForScript(data);
      expect(json).not.toMatch(/[<>&\u2028\u2029]/);
      expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(data)));
    }), 3000);
  });
});
