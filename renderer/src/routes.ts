import type { Component } from 'svelte';
import ClassifyView from './views/classify/ClassifyView.svelte';
import CurateView from './views/curate/CurateView.svelte';
import LibraryView from './views/library/LibraryView.svelte';
import MapView from './views/map/MapView.svelte';
import SearchView from './views/search/SearchView.svelte';
import TheoryView from './views/theory/TheoryView.svelte';
import TrainView from './views/train/TrainView.svelte';

export interface ViewRoute {
  /** The hash path: `#/<path>`. */
  path: string;
  /** The nav entry's text. */
  title: string;
  component: Component;
}

/** The nav, in order. A view is added here and nowhere else. */
export const ROUTES: ViewRoute[] = [
  { path: 'library', title: 'Library', component: LibraryView },
  { path: 'train', title: 'Train', component: TrainView },
  { path: 'search', title: 'Search', component: SearchView },
  { path: 'classify', title: 'Classify', component: ClassifyView },
  { path: 'curate', title: 'Curate', component: CurateView },
  { path: 'map', title: 'Map', component: MapView },
  { path: 'theory', title: 'Theory', component: TheoryView },
];
