// /admin/settings and the on/off switches of providers and models: the settings a console changes at run time
// (stored, applied on every instance without a restart), and where every running value comes from. Admin key only.
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { ResolvedCatalog } from '../../catalog/types.js';
import { MODEL_QUALITIES, RoutingRuleSchema } from '../../config/routing-schema.js';
import { GatewayError, notFound, SetupError } from '../../errors.js';
import { parseBody } from '../body.js';
import { requireAdmin } from '../middleware/admin-auth.js';
import type { LiveSettings } from '../settings/types.js';
import { settingsView } from '../settings/view.js';

export interface AdminSettingsDeps {
  settings: LiveSettings;
  /** The registry as it stands (refreshed in place): which providers and models really serve. */
  registry: ResolvedCatalog;
  /** SWITCHBOARD_ADMIN_KEY; unset: the routes answer 404. */
  adminKey: string | undefined;
}

/** The routing values a console sets: the same schemas as the config file's; null resets a value to the file's. */
const PatchBody = z.strictObject({
  routing: z
    .strictObject({
      defaultMode: z.enum(MODEL_QUALITIES).nullable().optional(),
      rules: z.array(RoutingRuleSchema).nullable().optional(),
    })
    .optional(),
});

const SwitchBody = z.strictObject({ enabled: z.boolean({ error: 'must be true or false' }) });

type Kind = 'provider' | 'model';

/**
 * `GET`, `PATCH /admin/settings`; `PUT` and `DELETE /admin/providers/{id}/enabled` and
 * `/admin/models/{provider/model}/enabled`. Each change is stored and applied here before it is answered; other
 * instances on the same store apply it when the store tells them.
 */
export function adminSettingsRoutes(deps: AdminSettingsDeps): Router {
  const { settings, registry } = deps;
  const router = Router();
  const admin = requireAdmin(deps.adminKey);
  const view = () => settingsView(settings.state(), registry);
  router.get('/admin/settings', admin, (_req, res) => {
    res.json(view());
  });
  router.patch('/admin/settings', admin, async (req, res) => {
    const { routing } = parseBody(PatchBody, req.body);
    if (routing !== undefined) await settings.setRouting(routing);
    res.json(view());
  });
  const switchRoutes = (kind: Kind, path: string, idOf: (req: Request) => string) => {
    const find = (id: string) => {
      const { providers, models } = view();
      return (kind === 'provider' ? providers : models).find((item) => item.id === id);
    };
    router.put(path, admin, async (req, res) => {
      const id = idOf(req);
      const { enabled } = parseBody(SwitchBody, req.body);
      if (find(id) === undefined) throw unknown(kind, id);
      await refused(kind, id, () => settings.setSwitch(kind, id, enabled));
      res.json(find(id));
    });
    router.delete(path, admin, async (req, res) => {
      const id = idOf(req);
      const known = find(id) !== undefined;
      // A switch of a provider or model the config no longer lists can still be cleared.
      const cleared = await refused(kind, id, () => settings.setSwitch(kind, id, undefined));
      if (!known && !cleared) throw unknown(kind, id);
      res.json(find(id) ?? { id, deleted: true });
    });
  };
  switchRoutes('provider', '/admin/providers/:id/enabled', (req) => (req.params as { id: string }).id);
  // A model id holds a slash (`groq/llama-3.3-70b`): taken as it is, or URL-encoded.
  switchRoutes('model', '/admin/models/*id/enabled', (req) => (req.params as { id: string[] }).id.join('/'));
  return router;
}

function unknown(kind: Kind, id: string): GatewayError {
  return kind === 'provider'
    ? notFound(`No provider '${id}' in the catalog or the config`, 'provider_not_found', 'id')
    : notFound(`No model '${id}' in the catalog or the config`, 'model_not_found', 'id');
}

/** A switch the registry cannot take (a provider turned on that lacks a protocol...) as 409, naming why. */
async function refused<T>(kind: Kind, id: string, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    throw new GatewayError(`The ${kind} '${id}' cannot be switched so: ${err.message.replace(/\s*\n\s*/g, '; ')}`, {
      status: 409,
      type: 'invalid_request_error',
      code: 'switch_refused',
      param: 'enabled',
    });
  }
}
