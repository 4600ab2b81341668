/**
 * The browser's evaluator of a PageSpec: the one function that runs inside Chromium for every
 * extractor (`page.evaluate(readPage, spec, PAGE_READING)`). It applies the spec to the document
 * and returns raw strings; parsing happens in Node. It must stay self-contained: no imports, no
 * helpers outside its body (only its source text crosses into the page). Its twin for parsed
 * HTML in Node is `readHtml` (read-html.ts): a change of meaning here is made there too, and
 * test/integration/evaluator-identity.test.ts holds both to the same output on every saved page.
 */
import type { BlockReason, FieldRule, PageSpec, RawPage } from './extractor.ts';
import type { PageReading } from './page-reading.ts';

export function readPage(spec: PageSpec, reading: PageReading): RawPage {
  const clean = (text: string | null | undefined): string => (text ?? '').replace(/\s+/g, ' ').trim();

  const NOT_TEXT = reading.textlessElements.join(', ');
  const SPACE = reading.spaceElements.join(', ');
  // textContent without the textless elements' subtrees (the element itself may be one: an
  // ld+json script is read whole), a space for each line break. A walk, not a clone: the body of
  // a product page is megabytes.
  const textOf = (element: Element): string => {
    if (!element.querySelector(`${NOT_TEXT}, ${SPACE}`)) return element.textContent ?? '';
    // (No TreeWalker filter: with JavaScript off the page cannot call back into a filter.)
    let text = '';
    const stack: Node[] = Array.from(element.childNodes).reverse();
    while (stack.length > 0) {
      const node = stack.pop() as Node;
      if (node.nodeType === Node.TEXT_NODE) text += (node as Text).data;
      else if (node instanceof Element && node.matches(SPACE)) text += ' ';
      else if (node instanceof Element && !node.matches(NOT_TEXT)) {
        for (let index = node.childNodes.length - 1; index >= 0; index -= 1)
          stack.push(node.childNodes[index] as Node);
      }
    }
    return text;
  };

  const valueOf = (element: Element, rule: FieldRule): string => {
    let value: string;
    if (rule.attribute === 'href' && element instanceof HTMLAnchorElement) value = element.href;
    // The `src` attribute resolved, not `currentSrc`: the srcset candidate depends on the screen.
    else if (rule.attribute === 'src' && element instanceof HTMLImageElement) value = element.src;
    else if (rule.attribute) value = element.getAttribute(rule.attribute) ?? '';
    else value = textOf(element);
    value = clean(value);
    if (value && rule.pattern) {
      const match = new RegExp(rule.pattern, 'i').exec(value);
      value = match ? clean(match[1] ?? match[0]) : '';
    }
    return value;
  };

  // The first matching element that gives a value: a pattern can pick one span among many
  // (sites with generated class names leave little else to select by).
  const readRule = (scope: ParentNode, rule: FieldRule): string => {
    const elements =
      rule.selector === ':scope' && scope instanceof Element
        ? [scope]
        : Array.from(scope.querySelectorAll(rule.selector));
    for (const element of elements) {
      const value = valueOf(element, rule);
      if (value) return value;
    }
    return '';
  };

  const readField = (scope: ParentNode, rules: readonly FieldRule[]): string => {
    for (const rule of rules) {
      const value = readRule(scope, rule);
      if (value) return value;
    }
    return '';
  };

  const readRecord = (
    scope: ParentNode,
    fields: PageSpec['variants'][number]['fields'],
  ): Record<string, string> => {
    const record: Record<string, string> = {};
    for (const [name, rules] of Object.entries(fields)) {
      const value = readField(scope, rules);
      if (value) record[name] = value;
    }
    return record;
  };

  // The body's text as for fields, not innerText: what innerText leaves out depends on layout.
  const bodyText = document.body ? clean(textOf(document.body)) : '';
  const pageText = `${document.title} ${bodyText.slice(0, reading.pageTextChars)}`;
  let blocked: BlockReason | undefined;
  for (const rule of spec.blocks) {
    const bySelector = rule.selector ? document.querySelector(rule.selector) !== null : true;
    const byText = rule.textPattern ? new RegExp(rule.textPattern, 'i').test(pageText) : true;
    if (bySelector && byText && (rule.selector || rule.textPattern)) {
      blocked = rule.reason;
      break;
    }
  }

  const captures: Record<string, string> = {};
  for (const [name, rules] of Object.entries(spec.captures ?? {})) {
    const value = readField(document, rules);
    if (value) captures[name] = value;
  }

  let variant: string | undefined;
  let records: Record<string, string>[] = [];
  if (!blocked) {
    for (const candidate of spec.variants) {
      if (candidate.when && !document.querySelector(candidate.when)) continue;
      const scopes: ParentNode[] = candidate.itemSelector
        ? Array.from(document.querySelectorAll(candidate.itemSelector))
        : [document];
      const read = scopes.map((scope) => readRecord(scope, candidate.fields));
      if (read.some((record) => Object.keys(record).length > 0)) {
        variant = candidate.name;
        records = read;
        break;
      }
    }
  }

  const nextUrl = spec.nextPage && !blocked ? readField(document, spec.nextPage) : '';
  return {
    url: location.href,
    title: clean(document.title),
    ...(blocked ? { blocked } : {}),
    ...(variant ? { variant } : {}),
    records,
    captures,
    ...(nextUrl ? { nextUrl } : {}),
  };
}
