/**
 * Node's evaluator of a PageSpec: the same spec `readPage` applies to Chromium's DOM, applied to
 * HTML parsed in Node, giving the same RawPage field for field (held to it on every saved page by
 * test/integration/evaluator-identity.test.ts). What the browser gives for free is reproduced:
 *
 * - the tree: parse5 builds it with the HTML standard's own algorithm, as a browser with
 *   scripting off does (the scraper's browser mode runs with JavaScript off): `<noscript>` holds
 *   markup, `<template>` content is not part of the document, entities are decoded, a document
 *   without a doctype is in quirks mode (class and id selectors then ignore case);
 * - selectors: css-select, with `:is`, `:not`, `:has` (relative too) and `:scope`;
 * - text: PAGE_READING's definition (page-reading.ts), as `readPage` reads it;
 * - `href` of an `a` and `src` of an `img`: resolved against the document's base URL (its first
 *   `<base href>`, else the page URL) as the DOM properties are; other attributes as written;
 * - the title: the first HTML `title` element's own text, ASCII whitespace collapsed.
 *
 * One difference is left: in a document that is not UTF-8, a browser percent-encodes non-ASCII
 * characters of a resolved URL's query in the document's charset; here they are UTF-8.
 */
import { compile, selectAll, selectOne } from 'css-select';
import { type AnyNode, type Document, type Element, isTag, isText } from 'domhandler';
import { parse } from 'parse5';
import { adapter } from 'parse5-htmlparser2-tree-adapter';
import type { BlockReason, FieldRule, LayoutVariant, PageSpec, RawPage } from './extractor.ts';
import { PAGE_READING, type PageReading } from './page-reading.ts';

const HTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';

/** A page parsed once, read by any number of specs. */
export interface ParsedHtml {
  readonly document: Document;
  /** The page's address after redirects: base of relative links, `url` of the RawPage. */
  readonly url: string;
  readonly baseUrl: string;
  /** `document.title`. */
  readonly title: string;
  readonly body: Element | undefined;
  readonly quirks: boolean;
}

const isHtml = (element: Element, name: string): boolean =>
  element.name === name && (element.namespace === undefined || element.namespace === HTML_NAMESPACE);

const collapseAsciiWhitespace = (text: string): string => text.replace(/[\t\n\f\r ]+/g, ' ').trim();

/** Parses a page as a browser with scripting off does; `url` is where it was read from. */
export function parseHtml(html: string, pageUrl: string): ParsedHtml {
  const url = URL.parse(pageUrl)?.href ?? pageUrl; // serialized as `location.href` is
  const document: Document = parse(html, { treeAdapter: adapter, scriptingEnabled: false });
  let titleElement: Element | undefined;
  let baseHref: string | undefined;
  const stack: AnyNode[] = [...document.children];
  while (stack.length > 0) {
    const node = stack.pop() as AnyNode;
    if (!isTag(node)) continue;
    // A template's content lives in a fragment outside the document, as in the DOM.
    if (isHtml(node, 'template')) node.children = [];
    if (isHtml(node, 'title') && !titleElement) titleElement = node;
    if (isHtml(node, 'base') && baseHref === undefined && node.attribs.href !== undefined)
      baseHref = node.attribs.href;
    for (let index = node.children.length - 1; index >= 0; index -= 1)
      stack.push(node.children[index] as AnyNode);
  }
  const root = document.children.find(isTag);
  const body = root?.children.find(
    (child): child is Element => isTag(child) && (isHtml(child, 'body') || isHtml(child, 'frameset')),
  );
  const title = titleElement
    ? collapseAsciiWhitespace(
        titleElement.children
          .filter(isText)
          .map((text) => text.data)
          .join(''),
      )
    : '';
  return {
    document,
    url,
    baseUrl: baseHref === undefined ? url : (URL.parse(baseHref, url)?.href ?? url),
    title,
    body,
    quirks: document['x-mode'] === 'quirks',
  };
}

type Compiled = ReturnType<typeof compile<AnyNode, Element>>;
const compiledQueries = new Map<string, Compiled>();

/** Selectors are compiled once per process (a spec is a handful of them, read on every page). */
function compiled(selector: string, quirks: boolean): Compiled {
  const key = `${quirks ? 'q' : 's'}${selector}`;
  let query = compiledQueries.get(key);
  if (!query) {
    query = compile<AnyNode, Element>(selector, { quirksMode: quirks });
    compiledQueries.set(key, query);
  }
  return query;
}

/** Reads one page with one spec: the RawPage `readPage` gives for the same page in Chromium. */
export function readParsedHtml(
  spec: PageSpec,
  page: ParsedHtml,
  reading: PageReading = PAGE_READING,
): RawPage {
  const clean = (text: string | undefined): string => (text ?? '').replace(/\s+/g, ' ').trim();
  const textless = new Set(reading.textlessElements);
  const spaces = new Set(reading.spaceElements);

  const textOf = (element: Element): string => {
    let text = '';
    const stack: AnyNode[] = [...element.children].reverse();
    while (stack.length > 0) {
      const node = stack.pop() as AnyNode;
      if (isText(node)) text += node.data;
      else if (isTag(node) && spaces.has(node.name)) text += ' ';
      else if (isTag(node) && !textless.has(node.name)) {
        for (let index = node.children.length - 1; index >= 0; index -= 1)
          stack.push(node.children[index] as AnyNode);
      }
    }
    return text;
  };

  /** `a.href` / `img.src`: the attribute resolved; unparsable: as written; absent: empty. */
  const resolvedUrl = (value: string | undefined): string =>
    value === undefined ? '' : (URL.parse(value, page.baseUrl)?.href ?? value);

  const valueOf = (element: Element, rule: FieldRule): string => {
    let value: string;
    if (rule.attribute === 'href' && isHtml(element, 'a')) value = resolvedUrl(element.attribs.href);
    else if (rule.attribute === 'src' && isHtml(element, 'img')) value = resolvedUrl(element.attribs.src);
    else if (rule.attribute) value = element.attribs[rule.attribute.toLowerCase()] ?? '';
    else value = textOf(element);
    value = clean(value);
    if (value && rule.pattern) {
      const match = new RegExp(rule.pattern, 'i').exec(value);
      value = match ? clean(match[1] ?? match[0]) : '';
    }
    return value;
  };

  const queryAll = (scope: Document | Element, selector: string): Element[] =>
    selector.includes(':scope')
      ? selectAll<AnyNode, Element>(selector, scope, { quirksMode: page.quirks, context: scope })
      : selectAll<AnyNode, Element>(compiled(selector, page.quirks), scope);

  const readRule = (scope: Document | Element, rule: FieldRule): string => {
    const elements = rule.selector === ':scope' && isTag(scope) ? [scope] : queryAll(scope, rule.selector);
    for (const element of elements) {
      const value = valueOf(element, rule);
      if (value) return value;
    }
    return '';
  };

  const readField = (scope: Document | Element, rules: readonly FieldRule[]): string => {
    for (const rule of rules) {
      const value = readRule(scope, rule);
      if (value) return value;
    }
    return '';
  };

  const readRecord = (scope: Document | Element, fields: LayoutVariant['fields']): Record<string, string> => {
    const record: Record<string, string> = {};
    for (const [name, rules] of Object.entries(fields)) {
      const value = readField(scope, rules);
      if (value) record[name] = value;
    }
    return record;
  };

  const matchesAny = (selector: string): boolean =>
    selectOne<AnyNode, Element>(compiled(selector, page.quirks), page.document) !== null;

  const bodyText = page.body ? clean(textOf(page.body)) : '';
  const pageText = `${page.title} ${bodyText.slice(0, reading.pageTextChars)}`;
  let blocked: BlockReason | undefined;
  for (const rule of spec.blocks) {
    const bySelector = rule.selector ? matchesAny(rule.selector) : true;
    const byText = rule.textPattern ? new RegExp(rule.textPattern, 'i').test(pageText) : true;
    if (bySelector && byText && (rule.selector || rule.textPattern)) {
      blocked = rule.reason;
      break;
    }
  }

  const captures: Record<string, string> = {};
  for (const [name, rules] of Object.entries(spec.captures ?? {})) {
    const value = readField(page.document, rules);
    if (value) captures[name] = value;
  }

  let variant: string | undefined;
  let records: Record<string, string>[] = [];
  if (!blocked) {
    for (const candidate of spec.variants) {
      if (candidate.when && !matchesAny(candidate.when)) continue;
      const scopes: (Document | Element)[] = candidate.itemSelector
        ? queryAll(page.document, candidate.itemSelector)
        : [page.document];
      const read = scopes.map((scope) => readRecord(scope, candidate.fields));
      if (read.some((record) => Object.keys(record).length > 0)) {
        variant = candidate.name;
        records = read;
        break;
      }
    }
  }

  const nextUrl = spec.nextPage && !blocked ? readField(page.document, spec.nextPage) : '';
  return {
    url: page.url,
    title: clean(page.title),
    ...(blocked ? { blocked } : {}),
    ...(variant ? { variant } : {}),
    records,
    captures,
    ...(nextUrl ? { nextUrl } : {}),
  };
}

/** Parses `html` (read from `url`) and reads it with `spec`. */
export function readHtml(spec: PageSpec, html: string, url: string): RawPage {
  return readParsedHtml(spec, parseHtml(html, url));
}
