// Every page of the console: its path, its title in the navigation, who may see it, and its module (loaded when
// first opened, so the charts and the graph view load only on the pages that draw them).
import { type ComponentType, type LazyExoticComponent, lazy } from 'react';

export interface PageEntry {
  path: string;
  title: string;
  /** Shown in the navigation (a run's own page is reached from a list, not the menu). */
  nav: boolean;
  /** Only the admin sees it in the navigation; the page itself says how to sign in as admin. */
  adminOnly: boolean;
  Component: LazyExoticComponent<ComponentType>;
}

export const PAGES: PageEntry[] = [
  {
    path: '/overview',
    title: 'Overview',
    nav: true,
    adminOnly: true,
    Component: lazy(() => import('./overview/OverviewPage')),
  },
  { path: '/keys', title: 'Keys', nav: true, adminOnly: true, Component: lazy(() => import('./keys/KeysPage')) },
  {
    path: '/models',
    title: 'Models',
    nav: true,
    adminOnly: false,
    Component: lazy(() => import('./models/ModelsPage')),
  },
  {
    path: '/routing',
    title: 'Routing',
    nav: true,
    adminOnly: false,
    Component: lazy(() => import('./routing/RoutingPage')),
  },
  { path: '/usage', title: 'Usage', nav: true, adminOnly: false, Component: lazy(() => import('./usage/UsagePage')) },
  {
    path: '/requests',
    title: 'Requests',
    nav: true,
    adminOnly: false,
    Component: lazy(() => import('./requests/RequestsPage')),
  },
  { path: '/runs', title: 'Runs', nav: true, adminOnly: false, Component: lazy(() => import('./runs/RunsPage')) },
  {
    path: '/runs/:runId',
    title: 'Run',
    nav: false,
    adminOnly: false,
    Component: lazy(() => import('./runs/RunPage')),
  },
  {
    path: '/threads/:threadId',
    title: 'Agent thread',
    nav: false,
    adminOnly: false,
    Component: lazy(() => import('./runs/ThreadPage')),
  },
  {
    path: '/playground',
    title: 'Playground',
    nav: true,
    adminOnly: false,
    Component: lazy(() => import('./playground/PlaygroundPage')),
  },
  {
    path: '/settings',
    title: 'Settings',
    nav: true,
    adminOnly: true,
    Component: lazy(() => import('./settings/SettingsPage')),
  },
];
