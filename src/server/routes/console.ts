// The web console: the built single-page app (dist/ui) at /ui, any path under it answered with its index.html so
// that the app's own router can show it, and / redirected there.
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/**
 * The console's files for a gateway whose main module is in `moduleDir`: `dist/ui` of the package, whether the
 * gateway runs built (dist/src/main.js) or from source (src/main.ts, under tsx).
 */
export function defaultConsoleDir(moduleDir: string): string {
  const built = path.basename(moduleDir) === 'src' && path.basename(path.dirname(moduleDir)) === 'dist';
  return path.resolve(moduleDir, built ? '../..' : '..', 'dist', 'ui');
}

/** `/` → `/ui/`; `/ui/*` from `dir`, unknown paths answered with its index.html; a page saying how to build it if none. */
export function consoleRoutes(dir: string): Router {
  const router = Router();
  const index = path.join(dir, 'index.html');
  router.get('/', (_req, res) => res.redirect(302, '/ui/'));
  // Vite names every asset by its content hash: a file under assets/ never changes, so browsers keep it a year.
  router.use(
    '/ui/assets',
    express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }),
  );
  router.use('/ui', express.static(dir, { index: false, maxAge: 0 }));
  router.get(['/ui', '/ui/*path'], (_req, res) => {
    res.set('cache-control', 'no-cache');
    // dotfiles: the console may live under a dot-directory (a build cache); send refuses such paths by default.
    if (existsSync(index)) return res.sendFile(index, { dotfiles: 'allow' });
    res
      .status(503)
      .type('text/plain')
      .send('The console is not built. Run `npm run build` (npm install does it), then reload.\n');
  });
  return router;
}
