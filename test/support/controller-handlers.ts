import { RequestMethod } from '@nestjs/common';
import { ApiModule } from '../../apps/api/src/api.module.ts';

type Controller = new (...args: never[]) => unknown;

/** One route handler of the API module. */
export interface DeclaredHandler {
  /** `METHOD /path/{param}`, in the form of the OpenAPI route list. */
  route: string;
  handler: (...args: never[]) => unknown;
  controller: Controller;
}

/** Every route handler that the API module's controllers declare, read from Nest's metadata. */
export function declaredHandlers(): DeclaredHandler[] {
  const controllers = (Reflect.getMetadata('controllers', ApiModule) ?? []) as Controller[];
  const handlers: DeclaredHandler[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata('path', controller) ?? '');
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = controller.prototype[name as keyof typeof controller.prototype] as unknown;
      if (typeof handler !== 'function' || name === 'constructor') {
        continue;
      }
      const method = Reflect.getMetadata('method', handler) as RequestMethod | undefined;
      if (method === undefined) {
        continue;
      }
      const sub = String(Reflect.getMetadata('path', handler) ?? '');
      const path = `/${[base, sub].filter((part) => part !== '' && part !== '/').join('/')}`.replace(/:(\w+)/g, '{$1}');
      handlers.push({ route: `${RequestMethod[method]} ${path}`, handler: handler as DeclaredHandler['handler'], controller });
    }
  }
  return handlers;
}
