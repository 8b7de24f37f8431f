import { ApiService } from '../../core/api.service';

const documents = new WeakMap<ApiService, Promise<Set<string> | null>>();

/**
 * Whether the server offers `path` (an OpenAPI path template such as `/api/intraday/{product}`),
 * judged from its `/openapi.json`, read once per [`ApiService`]. Optional endpoints are asked
 * for only when documented, so a server without them costs no 404 (which the browser would log
 * as a console error). When the document cannot be read, the answer is `true`: try the call.
 */
export function serverOffers(api: ApiService, path: string): Promise<boolean> {
  let doc = documents.get(api);
  if (!doc) {
    doc = api
      .get<{ paths?: Record<string, unknown> }>('/openapi.json')
      .then((d) => (d && typeof d.paths === 'object' && d.paths !== null ? new Set(Object.keys(d.paths)) : null))
      .catch(() => null);
    documents.set(api, doc);
  }
  return doc.then((paths) => paths === null || paths.has(path));
}
