/**
 * The one function that runs inside the browser for every extractor (passed to
 * `page.evaluate(readPage, spec)`). It applies a declarative PageSpec to the document and returns
 * raw strings; parsing happens in Node. It must stay self-contained: no imports, no helpers
 * outside its body (only its source text crosses into the page).
 */
import type { BlockReason, FieldRule, PageSpec, RawPage } from './extractor.ts';

export function readPage(spec: PageSpec): RawPage {
  const clean = (text: string | null | undefined): string => (text ?? '').replace(/\s+/g, ' ').trim();

  // textContent includes the source of inline scripts and styles (Amazon puts some inside the
  // very elements read, e.g. #availability): a person never sees it.
  const NOT_TEXT = 'script, style, noscript, template';
  const textOf = (element: Element): string => {
    if (!element.querySelector(NOT_TEXT)) return element.textContent ?? '';
    const copy = element.cloneNode(true) as Element;
    for (const hidden of copy.querySelectorAll(NOT_TEXT)) hidden.remove();
    return copy.textContent ?? '';
  };

  const valueOf = (element: Element, rule: FieldRule): string => {
    let value: string;
    if (rule.attribute === 'href' && element instanceof HTMLAnchorElement) value = element.href;
    else if (rule.attribute === 'src' && element instanceof HTMLImageElement)
      value = element.currentSrc || element.src;
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

  const pageText = `${document.title} ${clean(document.body?.innerText ?? document.body?.textContent).slice(0, 20_000)}`;
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
