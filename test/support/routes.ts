import { INestApplication } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface RouteInfo {
  method: string;
  path: string;
}

const recorded = new WeakMap<INestApplication, RouteInfo[]>();

/**
 * Called before the app registers any route: Fastify reports each one it adds to an onRoute
 * hook (it has no list to read afterwards). The HEAD twins Fastify adds to GET routes by itself
 * are left out, as the routes the app declares are what is compared.
 */
export function recordRoutes(app: NestFastifyApplication): void {
  const routes: RouteInfo[] = [];
  recorded.set(app, routes);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, path: route.url });
    });
}

/** Every route the running app serves, as the router registered them (so none can be forgotten). */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const routes = recorded.get(app);
  if (!routes) throw new Error('routes are recorded by TestApp.start (recordRoutes before configureApp)');
  return routes;
}
