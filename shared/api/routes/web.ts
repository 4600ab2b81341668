/** The monitor page: GET / and its files under /web/ (public: they hold no data). */
import { z } from 'zod';
import type { ApiDependencies } from '../dependencies.ts';
import { NotFoundError } from '../../errors/index.ts';
import { defineRoute, type Route } from '../route.ts';
import { isWebPageFile } from '../web-page-files.ts';

const TAG = 'web';

export function webRoutes(deps: ApiDependencies): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/',
      tag: TAG,
      scope: 'public',
      mutates: false,
      summary: 'The monitor page (HTML; it asks for a token and keeps it in sessionStorage)',
      handle: () => deps.webPage.answer('index.html'),
    }),
    defineRoute({
      method: 'get',
      path: '/web/:file',
      tag: TAG,
      scope: 'public',
      mutates: false,
      summary: "The monitor page's scripts and style sheet",
      params: z.object({ file: z.string().min(1).max(64) }).strict(),
      handle: ({ params }) => {
        if (!isWebPageFile(params.file)) {
          throw new NotFoundError('ROUTE_NOT_FOUND', `the page has no file ${params.file}`);
        }
        return deps.webPage.answer(params.file);
      },
    }),
  ];
}
