/**
 * The SSRF guard applied where work is created: a definition's target or a seed task's url that
 * is a URL must pass the same checks the scrapers make before every request (url-guard.ts), so
 * no consumer — a scraper, or an external browser worker inside someone's network — is handed
 * a loopback, private, link-local or metadata address. Targets that are not URLs (an ASIN, a
 * keyword, a category id) become URLs on the marketplace's own site and are not checked here.
 */
import { mapWithConcurrency } from '../concurrency/index.ts';
import { type FieldIssue, ValidationError } from '../errors/index.ts';
import { BlockedUrlError, checkTargetUrl, type TargetUrlCheckOptions } from './url-guard.ts';

export interface TargetToCheck {
  /** The field named in the refusal: `target`, `definitions.3.target`, `tasks.0.url`. */
  readonly field: string;
  readonly target: string;
}

/** `scheme://…` or a protocol-relative `//host/…` (which extractors read as https). */
export const isUrlTarget = (target: string): boolean => /^([a-z][a-z0-9+.-]*:)?\/\//i.test(target.trim());

export class TargetGuard {
  private readonly options: TargetUrlCheckOptions;

  constructor(options: TargetUrlCheckOptions = {}) {
    this.options = options;
  }

  /** One issue per refused URL target; targets that are not URLs pass. */
  async issuesOf(targets: readonly TargetToCheck[]): Promise<FieldIssue[]> {
    const issues = await mapWithConcurrency(targets, 8, async ({ field, target }) => {
      if (!isUrlTarget(target)) return [];
      const url = target.trim().startsWith('//') ? `https:${target.trim()}` : target.trim();
      try {
        await checkTargetUrl(url, this.options);
        return [];
      } catch (error) {
        if (!(error instanceof BlockedUrlError)) throw error;
        return [{ field, message: `is refused: ${error.reason}` }];
      }
    });
    return issues.flat();
  }

  /** Throws a ValidationError naming each refused target. */
  async assertSafe(what: string, targets: readonly TargetToCheck[]): Promise<void> {
    const issues = await this.issuesOf(targets);
    if (issues.length > 0) throw new ValidationError(what, issues);
  }
}
