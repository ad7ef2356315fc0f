// The page's URL in the browser: read once when the page starts, then replaced (never pushed:
// stepping through layers should not fill the history) whenever the view changes.
import { replaceState } from '$app/navigation';
import { readPage, writePage, type PageParams } from './url';

export function readLocation(): PageParams {
	return readPage(new URL(location.href).searchParams);
}

export function writeLocation(p: PageParams): void {
	const q = writePage(p).toString();
	if (q === location.search.slice(1)) return;
	const url = `${location.pathname}?${q}`;
	try {
		replaceState(url, {});
	} catch {
		history.replaceState(history.state, '', url); // before the router is up
	}
}
