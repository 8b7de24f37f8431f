import { Routes } from '@angular/router';

/** One lazy route per page; the Live page is the default. Unknown paths go to Live. */
export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'live' },
  {
    path: 'live',
    title: 'Live 0DTE · gammaflow',
    loadComponent: () => import('./pages/live/live.page').then((m) => m.LivePage),
  },
  {
    path: 'ranges',
    title: 'Ranges · gammaflow',
    loadComponent: () => import('./pages/ranges/ranges.page').then((m) => m.RangesPage),
  },
  {
    path: 'volatility',
    title: 'Volatility · gammaflow',
    loadComponent: () =>
      import('./pages/volatility/volatility.page').then((m) => m.VolatilityPage),
  },
  {
    path: 'oi',
    title: 'Open interest · gammaflow',
    loadComponent: () => import('./pages/oi/oi.page').then((m) => m.OiPage),
  },
  {
    path: 'history',
    title: 'History · gammaflow',
    loadComponent: () => import('./pages/history/history.page').then((m) => m.HistoryPage),
  },
  {
    path: 'events',
    title: 'Events · gammaflow',
    loadComponent: () => import('./pages/events/events.page').then((m) => m.EventsPage),
  },
  {
    path: 'health',
    title: 'Health · gammaflow',
    loadComponent: () => import('./pages/health/health.page').then((m) => m.HealthPage),
  },
  { path: '**', redirectTo: 'live' },
];
