/**
 * Routes a service declares, read per framework from the AST and the file layout:
 * Express / Koa-router / Hono / Fastify `x.post('/p', h)`, `x.route('/p').post(h)`,
 * Fastify `x.route({ method: 'POST', url: '/p' })`, Hono `x.on('POST', '/p', h)`, mounts in the
 * same file or one import away (`app.use('/webhooks', router)`, `app.route('/api', sub)`,
 * `fastify.register(plugin, { prefix })`, `new Router({ prefix })`, `new Hono().basePath('/x')`),
 * NestJS `@Controller('webhooks')` + `@Post('stripe')` (with `app.setGlobalPrefix('api')`),
 * Next.js App Router `app/**\/route.ts` exporting `POST` and Pages Router `pages/api/**`, and
 * plain `node:http` (`req.url === '/p'`, `url.pathname === '/p'`, `switch (req.url) { case '/p': }`).
 */
import { dirname, posix } from 'node:path';
import ts from 'typescript';
import { stringValue, visit, where, type SourceFile } from './source-files.ts';

export interface DeclaredRoute {
  path: string;
  /** `POST`, `GET`…; undefined when any method (`all`, `use`, plain node:http). */
  method: string | undefined;
  where: string;
  /** The handler's name (`stripeWebhook`, `StripeController.handle`), when it has one. */
  handler: string | undefined;
  framework: 'express-like' | 'fastify' | 'nestjs' | 'next-app' | 'next-pages' | 'node-http';
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'options', 'head']);
const HTTP_METHODS = /^(GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD)$/;

/** Joins URL path parts: `('/api', 'webhooks', '/stripe/')` → `/api/webhooks/stripe`. */
export function joinPath(...parts: (string | undefined)[]): string {
  const segments = parts.flatMap((p) => (p ?? '').split('/')).filter((s) => s !== '');
  return `/${segments.join('/')}`;
}

/** The name a handler argument shows: an identifier, `a.b`, or a named function. */
function handlerName(node: ts.Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.getText();
  if ((ts.isFunctionExpression(node) || ts.isClassExpression(node)) && node.name !== undefined) return node.name.text;
  if (ts.isCallExpression(node)) return handlerName(node.expression);
  return undefined;
}

/** The receiver of a call chain's root: `app` in `app.post(…)`, `router` in `router.route('/p').post(…)`. */
function rootName(node: ts.Expression): string | undefined {
  let n: ts.Expression = node;
  while (ts.isCallExpression(n) || ts.isPropertyAccessExpression(n)) n = n.expression;
  if (ts.isIdentifier(n)) return n.text;
  if (n.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  return undefined;
}

function objectProp(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return p.initializer;
  }
  return undefined;
}

/** `new Router({ prefix: '/x' })`, `new Hono().basePath('/x')`: the prefix a router variable carries. */
function routerPrefix(init: ts.Expression | undefined): string | undefined {
  if (init === undefined) return undefined;
  if (ts.isNewExpression(init)) {
    const arg = init.arguments?.[0];
    if (arg !== undefined && ts.isObjectLiteralExpression(arg)) return stringValue(objectProp(arg, 'prefix'));
  }
  if (ts.isCallExpression(init) && ts.isPropertyAccessExpression(init.expression) && init.expression.name.text === 'basePath') {
    return stringValue(init.arguments[0]);
  }
  return undefined;
}

interface Mount {
  prefix: string;
  /** The mounted identifier (`router`) and, when imported, the module file it comes from. */
  name: string;
  file: SourceFile;
  from: string | undefined;
}

/** Relative imports of a file: local name → resolved `rel` path without extension. */
function relativeImports(file: SourceFile): Map<string, string> {
  const map = new Map<string, string>();
  for (const st of file.ast.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const spec = st.moduleSpecifier.text;
    if (!spec.startsWith('.')) continue;
    const target = posix.normalize(posix.join(dirname(file.rel), spec)).replace(/\.[cm]?[jt]sx?$/, '');
    const clause = st.importClause;
    if (clause?.name !== undefined) map.set(clause.name.text, target);
    if (clause?.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings)) {
      for (const el of clause.namedBindings.elements) map.set(el.name.text, target);
    }
  }
  return map;
}

const noExt = (rel: string): string => rel.replace(/\.[cm]?[jt]sx?$/, '').replace(/\/index$/, '');

/** Routes registered with calls: Express, Koa-router, Hono, Fastify (their shapes are alike). */
function callRoutes(files: readonly SourceFile[]): DeclaredRoute[] {
  const mounts: Mount[] = [];
  const raw: { route: DeclaredRoute; receiver: string | undefined; file: SourceFile }[] = [];
  const prefixes = new Map<SourceFile, Map<string, string>>();
  for (const file of files) {
    const imports = relativeImports(file);
    const own = new Map<string, string>();
    prefixes.set(file, own);
    visit(file, (node) => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
        const prefix = routerPrefix(node.initializer);
        if (prefix !== undefined) own.set(node.name.text, prefix);
      }
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
      const method = node.expression.name.text;
      const args = node.arguments;
      const receiver = rootName(node.expression.expression);
      const add = (path: string | undefined, m: string | undefined, handler: ts.Node | undefined, framework: DeclaredRoute['framework'] = 'express-like'): void => {
        if (path === undefined || !path.startsWith('/')) return;
        raw.push({ route: { path: joinPath(path), method: m, where: where(file, node), handler: handlerName(handler), framework }, receiver, file });
      };
      const verb = method === 'all' ? undefined : method.replace(/^del$/, 'delete').toUpperCase();
      // x.route('/p').post(h), x.route('/p').get(a).post(h)
      if (METHODS.has(method)) {
        let inner: ts.Expression = node.expression.expression;
        while (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && METHODS.has(inner.expression.name.text)) {
          inner = inner.expression.expression;
        }
        if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && inner.expression.name.text === 'route') {
          add(stringValue(inner.arguments[0]), verb, args[args.length - 1]);
          return;
        }
      }
      // x.post('/p', …handlers)
      if (METHODS.has(method) && args.length >= 2) {
        add(stringValue(args[0]), verb, args[args.length - 1]);
        return;
      }
      // Hono x.on('POST', '/p', h)
      if (method === 'on' && args.length >= 3) {
        const m = stringValue(args[0]);
        if (m !== undefined && HTTP_METHODS.test(m.toUpperCase())) add(stringValue(args[1]), m.toUpperCase(), args[args.length - 1]);
        return;
      }
      // Fastify x.route({ method: 'POST', url: '/p', handler })
      if (method === 'route' && args.length === 1 && ts.isObjectLiteralExpression(args[0]!)) {
        const obj = args[0];
        const m = objectProp(obj, 'method');
        const ms = m !== undefined && ts.isArrayLiteralExpression(m) ? m.elements.map((e) => stringValue(e)) : [stringValue(m)];
        add(stringValue(objectProp(obj, 'url') ?? objectProp(obj, 'path')), ms.length === 1 ? ms[0]?.toUpperCase() : undefined, objectProp(obj, 'handler'), 'fastify');
        return;
      }
      // Mounts: app.use('/p', router), app.route('/p', sub) (Hono), fastify.register(plugin, { prefix: '/p' })
      if ((method === 'use' || method === 'route') && args.length >= 2) {
        const prefix = stringValue(args[0]);
        const name = handlerName(args[args.length - 1]);
        if (prefix?.startsWith('/') === true && name !== undefined) {
          const root = name.split('.')[0]!;
          mounts.push({ prefix, name: root, file, from: imports.get(root) });
        }
        return;
      }
      if (method === 'register' && args.length >= 2 && ts.isObjectLiteralExpression(args[1]!)) {
        const prefix = stringValue(objectProp(args[1], 'prefix'));
        const name = handlerName(args[0]);
        if (prefix?.startsWith('/') === true && name !== undefined) mounts.push({ prefix, name, file, from: imports.get(name) });
      }
    });
  }
  // A route's prefix: its router's own (`new Router({ prefix })`), then where that router is
  // mounted (in the same file by name, or in another file that imports this one).
  return raw.map(({ route, receiver, file }) => {
    const own = receiver === undefined ? undefined : prefixes.get(file)?.get(receiver);
    const mount = mounts.find((m) => (m.file === file && m.name === receiver) || (m.from !== undefined && m.from === noExt(file.rel)) || (m.from !== undefined && `${m.from}/index` === file.rel.replace(/\.[cm]?[jt]sx?$/, '')));
    const path = joinPath(mount?.prefix, own, route.path);
    return { ...route, path };
  });
}

function decoratorCall(node: ts.Node, names: ReadonlySet<string>): { name: string; arg: ts.Expression | undefined } | undefined {
  const decorators = ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : [];
  for (const d of decorators) {
    if (ts.isCallExpression(d.expression) && ts.isIdentifier(d.expression.expression) && names.has(d.expression.expression.text)) {
      return { name: d.expression.expression.text, arg: d.expression.arguments[0] };
    }
  }
  return undefined;
}

const NEST_METHODS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All', 'Options', 'Head']);

/** NestJS controllers: `@Controller('webhooks')` class, `@Post('stripe')` methods, `setGlobalPrefix`. */
function nestRoutes(files: readonly SourceFile[]): DeclaredRoute[] {
  let globalPrefix: string | undefined;
  for (const file of files) {
    visit(file, (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'setGlobalPrefix') {
        globalPrefix ??= stringValue(node.arguments[0]);
      }
    });
  }
  const routes: DeclaredRoute[] = [];
  for (const file of files) {
    visit(file, (node) => {
      if (!ts.isClassDeclaration(node)) return;
      const controller = decoratorCall(node, new Set(['Controller']));
      if (controller === undefined) return;
      const arg = controller.arg;
      const base = arg !== undefined && ts.isObjectLiteralExpression(arg) ? stringValue(objectProp(arg, 'path')) : stringValue(arg);
      for (const member of node.members) {
        if (!ts.isMethodDeclaration(member)) continue;
        const m = decoratorCall(member, NEST_METHODS);
        if (m === undefined) continue;
        const sub = stringValue(m.arg);
        routes.push({
          path: joinPath(globalPrefix, base, sub),
          method: m.name === 'All' ? undefined : m.name.toUpperCase(),
          where: where(file, member),
          handler: `${node.name?.text ?? 'controller'}.${member.name.getText()}`,
          framework: 'nestjs',
        });
      }
    });
  }
  return routes;
}

/**
 * Names a module exports, with the statement that exports each (`export function POST`,
 * `export const POST`, `export { POST }`, `export default function x` → `default` and `default:x`).
 */
function exportedNames(file: SourceFile): Map<string, ts.Node> {
  const names = new Map<string, ts.Node>();
  const isExported = (n: ts.Node): boolean =>
    ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const st of file.ast.statements) {
    if (ts.isFunctionDeclaration(st) && isExported(st)) {
      const isDefault = (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      names.set(isDefault ? 'default' : (st.name?.text ?? ''), st);
      if (isDefault && st.name !== undefined) names.set(`default:${st.name.text}`, st);
    } else if (ts.isVariableStatement(st) && isExported(st)) {
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) names.set(d.name.text, st);
    } else if (ts.isExportDeclaration(st) && st.exportClause !== undefined && ts.isNamedExports(st.exportClause)) {
      for (const el of st.exportClause.elements) names.set(el.name.text, st);
    } else if (ts.isExportAssignment(st)) {
      names.set('default', st);
      if (ts.isIdentifier(st.expression)) names.set(`default:${st.expression.text}`, st);
    }
  }
  return names;
}

const APP_ROUTE = /^(?:.*\/)?(?:src\/)?app\/(.*\/)?route\.[cm]?[jt]sx?$/;
const PAGES_API = /^(?:.*\/)?(?:src\/)?pages\/api\/(.+)\.[cm]?[jt]sx?$/;

/** Next.js file routes: App Router `app/**\/route.ts` (route groups and parallel slots dropped) and Pages Router `pages/api/**`. */
function nextRoutes(files: readonly SourceFile[]): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (const file of files) {
    const app = APP_ROUTE.exec(file.rel);
    if (app !== null) {
      const segments = (app[1] ?? '').split('/').filter((s) => s !== '' && !/^\(.*\)$/.test(s) && !s.startsWith('@'));
      const exported = exportedNames(file);
      for (const method of ['POST', 'PUT', 'PATCH', 'GET', 'DELETE']) {
        const node = exported.get(method);
        if (node !== undefined) routes.push({ path: joinPath(...segments), method, where: where(file, node), handler: method, framework: 'next-app' });
      }
      continue;
    }
    const pages = PAGES_API.exec(file.rel);
    if (pages !== null) {
      const exported = exportedNames(file);
      const node = exported.get('default');
      if (node === undefined) continue;
      const segments = pages[1]!.split('/').filter((s, i, all) => !(s === 'index' && i === all.length - 1));
      const named = [...exported.keys()].find((n) => n.startsWith('default:'))?.slice('default:'.length);
      routes.push({ path: joinPath('api', ...segments), method: undefined, where: where(file, node), handler: named, framework: 'next-pages' });
    }
  }
  return routes;
}

const URL_LIKE = /(^|\.)(url|pathname|path)$/i;

/** Plain node:http: `req.url === '/p'`, `url.pathname === '/p'`, `switch (pathname) { case '/p': }`, `req.url.startsWith('/p')`. */
function nodeHttpRoutes(files: readonly SourceFile[]): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (const file of files) {
    if (!/\bnode:http\b|['"]http['"]|createServer/.test(file.text)) continue;
    visit(file, (node) => {
      const add = (path: string | undefined): void => {
        if (path?.startsWith('/') === true) routes.push({ path, method: undefined, where: where(file, node), handler: undefined, framework: 'node-http' });
      };
      if (
        ts.isBinaryExpression(node) &&
        [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken].includes(node.operatorToken.kind)
      ) {
        const [lit, other] = stringValue(node.right) !== undefined ? [node.right, node.left] : [node.left, node.right];
        if (URL_LIKE.test(other.getText(file.ast))) add(stringValue(lit));
      } else if (ts.isSwitchStatement(node) && URL_LIKE.test(node.expression.getText(file.ast))) {
        for (const clause of node.caseBlock.clauses) if (ts.isCaseClause(clause)) add(stringValue(clause.expression));
      } else if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'startsWith' &&
        URL_LIKE.test(node.expression.expression.getText(file.ast))
      ) {
        add(stringValue(node.arguments[0]));
      }
    });
  }
  return routes;
}

/** Every route the service declares, in a framework idemgate reads; deduplicated by method and path. */
export function declaredRoutes(files: readonly SourceFile[]): DeclaredRoute[] {
  const all = [...nextRoutes(files), ...nestRoutes(files), ...callRoutes(files), ...nodeHttpRoutes(files)];
  const seen = new Set<string>();
  return all.filter((r) => {
    const key = `${r.method ?? '*'} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
