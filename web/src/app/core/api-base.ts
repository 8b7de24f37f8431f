import { InjectionToken } from '@angular/core';

/**
 * Where the gammaflow server is and how to authenticate.
 *
 * The dashboard is served by `gammaflow serve` itself, so by default the API is the page's own
 * origin. A bearer token (needed when the server listens beyond loopback) is read once from the
 * page's `?token=` query parameter and kept in `sessionStorage`, then sent as the `token` query
 * parameter on the WebSocket (browsers cannot set headers there) and as `Authorization` on REST.
 */
export interface ApiLocation {
  /** `http(s)://host:port`, no trailing slash. */
  httpBase: string;
  /** `ws(s)://host:port`, no trailing slash. */
  wsBase: string;
  /** Bearer token, or `null`. */
  token: string | null;
}

/** The location of the page's own server. */
export function locationFromPage(): ApiLocation {
  const loc = globalThis.location;
  const httpBase = loc ? `${loc.protocol}//${loc.host}` : 'http://127.0.0.1:8000';
  const wsBase = httpBase.replace(/^http/, 'ws');
  let token: string | null = null;
  try {
    const fromQuery = loc ? new URLSearchParams(loc.search).get('token') : null;
    if (fromQuery) {
      globalThis.sessionStorage?.setItem('gammaflow.token', fromQuery);
    }
    token = fromQuery ?? globalThis.sessionStorage?.getItem('gammaflow.token') ?? null;
  } catch {
    token = null;
  }
  return { httpBase, wsBase, token };
}

export const API_LOCATION = new InjectionToken<ApiLocation>('gammaflow API location', {
  providedIn: 'root',
  factory: locationFromPage,
});
