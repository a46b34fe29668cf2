/**
 * Queue bodies are JSON text. SQS accepts only some characters in a body (#x9 #xA #xD, #x20–#xD7FF,
 * #xE000–#xFFFD, #x10000–#x10FFFF), so a customer's message containing U+FFFE would be refused, and
 * fauxqs refuses every character outside the BMP (emoji). Escaping each UTF-16 unit from U+007F up
 * as `\uXXXX` keeps the same JSON value — outside of strings, valid JSON has no such characters — and
 * makes any message text acceptable to both.
 */
export const asciiJson = (json: string): string =>
  json.replace(/[\u007f-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
