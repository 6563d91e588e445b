/** Blanks the comments of TypeScript source (strings, templates and regex literals kept) so guard tests scan code, not prose. */

const REGEX_AFTER_CHAR = new Set([...'(,=:[!&|?{};+-*%<>~^']);
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'case', 'in', 'of', 'delete', 'void', 'throw', 'new', 'else', 'do', 'await', 'yield', 'instanceof']);

/**
 * Returns `text` with every `//` and `/* *\/` comment replaced by spaces (newlines kept, so offsets and
 * line numbers stay). A `/` starts a regex literal where an operand is expected (after an operator,
 * an opening bracket, a keyword such as `return`, or at the start), as the JavaScript grammar decides.
 */
export function stripComments(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => { for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' '; };
  // Each `${` inside a template pushes the brace depth at which its `}` returns to the template.
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  const n = text.length;
  const skipString = (quote: string) => {
    i++;
    while (i < n && text[i] !== quote && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  /** Scans template text from i until its closing backtick or a `${`; returns true at `${`. */
  const scanTemplate = (): boolean => {
    while (i < n) {
      if (text[i] === '\\') { i += 2; continue; }
      if (text[i] === '`') { i++; return false; }
      if (text[i] === '$' && text[i + 1] === '{') { i += 2; return true; }
      i++;
    }
    return false;
  };
  const previousSignificant = (): { char: string; word: string } => {
    let k = i - 1;
    while (k >= 0 && /\s/.test(out[k]!)) k--;
    if (k < 0) return { char: '', word: '' };
    let w = k;
    while (w >= 0 && /[\w$]/.test(text[w]!)) w--;
    return { char: text[k]!, word: text.slice(w + 1, k + 1) };
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === '/') {
      const prev = previousSignificant();
      if (prev.char === '' || REGEX_AFTER_CHAR.has(prev.char) || REGEX_AFTER_WORD.has(prev.word)) {
        i++;
        let inClass = false;
        while (i < n && text[i] !== '\n') {
          if (text[i] === '\\') { i += 2; continue; }
          if (text[i] === '[') inClass = true;
          else if (text[i] === ']') inClass = false;
          else if (text[i] === '/' && !inClass) break;
          i++;
        }
        i++;
      } else {
        i++;
      }
    } else if (c === '"' || c === "'") {
      skipString(c);
    } else if (c === '`') {
      i++;
      if (scanTemplate()) { templates.push(depth); depth++; }
    } else if (c === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      i++;
      if (templates.length > 0 && templates[templates.length - 1] === depth) {
        templates.pop();
        if (scanTemplate()) { templates.push(depth); depth++; }
      }
    } else {
      i++;
    }
  }
  return out.join('');
}
