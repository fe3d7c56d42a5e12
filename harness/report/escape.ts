/**
 * Escaping for every report format. A result carries text the target produced (response bodies,
 * error messages) and text a user wrote (scenario names), so nothing reaches a report unescaped.
 */

// XML 1.0 allows only TAB, LF, CR below 0x20, and neither U+FFFE/U+FFFF nor lone surrogates.
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Characters XML cannot carry at all are shown as `\uXXXX` text, so the evidence is still readable. */
const visible = (s: string): string =>
  s.replace(XML_FORBIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Text content of an XML element. */
export const xmlText = (s: string): string =>
  visible(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An XML attribute value (double-quoted); newlines and tabs are kept as character references. */
export const xmlAttr = (s: string): string =>
  xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');

/** HTML text or a double-quoted attribute value. */
export const html = (s: string | number): string =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A Markdown table cell: pipes escaped, line breaks flattened, inline HTML neutralised. */
export const mdCell = (s: string): string =>
  s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');

/** Inline Markdown text outside code: HTML neutralised, emphasis and link markers escaped. */
export const mdText = (s: string): string =>
  s.replace(/\\/g, '\\\\').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/([*_`[\]])/g, '\\$1');

/** A fenced code block whose fence is longer than any backtick run inside it. */
export function mdCodeBlock(body: string, lang = ''): string {
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${body}\n${fence}`;
}

/** Inline code span that survives backticks in its content. */
export function mdCode(s: string): string {
  const flat = s.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return longest > 0 ? `${ticks} ${flat} ${ticks}` : `${ticks}${flat}${ticks}`;
}

/** GitHub workflow-command data (the part after `::`). */
export const ghData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** GitHub workflow-command property value (`title=…`): also `:` and `,`. */
export const ghProperty = (s: string): string => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
