import { Injectable, inject } from '@angular/core';

import { API_LOCATION } from './api-base';

/** An HTTP answer that was not 2xx; `message` is the server's JSON `error` text when present. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * REST calls to the gammaflow server. Returns promises: pages keep their state in signals and
 * set them from the resolved values (no Observables in component state).
 */
@Injectable({ providedIn: 'root' })
export class ApiService {
  private readonly location = inject(API_LOCATION);

  /** GET `path` (e.g. `/api/chain/spxw`) with `params`, parsed as JSON of type `T`. */
  async get<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
    const url = new URL(this.location.httpBase + path);
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== '') {
        url.searchParams.set(k, String(v));
      }
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.location.token) {
      headers['Authorization'] = `Bearer ${this.location.token}`;
    }
    const response = await fetch(url, { headers });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText} from ${path}`;
      try {
        const body = (await response.json()) as { error?: string };
        if (body?.error) {
          message = body.error;
        }
      } catch {
        /* not JSON: keep the status line */
      }
      throw new ApiError(response.status, message);
    }
    return (await response.json()) as T;
  }

  /** GET `path` as text (for `/metrics`). */
  async text(path: string): Promise<string> {
    const headers: Record<string, string> = {};
    if (this.location.token) {
      headers['Authorization'] = `Bearer ${this.location.token}`;
    }
    const response = await fetch(this.location.httpBase + path, { headers });
    if (!response.ok) {
      throw new ApiError(response.status, `${response.status} ${response.statusText} from ${path}`);
    }
    return response.text();
  }
}
