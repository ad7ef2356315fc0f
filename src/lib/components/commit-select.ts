// A <select> that acts only on a committed choice. Chromium changes a closed select's value on
// ArrowUp/Down and fires `change` at once, so browsing the list with the keyboard would open a
// model per keypress. Here a pointer pick (or a pick in the open popup) commits at once; a value
// reached with keys on the closed field waits for Enter or for focus to leave, and Escape reverts.

/** Keys that move a closed select's value. */
const BROWSE = /^(Arrow(Up|Down|Left|Right)|Home|End|Page(Up|Down)|.)$/;

export function commitSelect(node: HTMLSelectElement, commit: (value: string) => void) {
	let act = commit;
	let keyed = false; // a browsing key is being handled in this task
	let pending: string | null = null;
	let committed = node.value;

	const flush = () => {
		if (pending === null) return;
		const v = pending;
		pending = null;
		committed = v;
		act(v);
	};
	const keydown = (e: KeyboardEvent) => {
		if (e.key === 'Enter') return flush();
		if (e.key === 'Escape' && pending !== null) {
			pending = null;
			node.value = committed;
			e.stopPropagation();
			return;
		}
		if (e.altKey || !BROWSE.test(e.key)) return;
		// The value changes in this keydown's default action, before any timer fires.
		keyed = true;
		setTimeout(() => (keyed = false), 0);
	};
	const change = () => {
		if (keyed) pending = node.value;
		else {
			pending = node.value;
			flush();
		}
	};
	const focus = () => {
		if (pending === null) committed = node.value;
	};
	node.addEventListener('keydown', keydown);
	node.addEventListener('change', change);
	node.addEventListener('blur', flush);
	node.addEventListener('focus', focus);
	return {
		update(next: (value: string) => void) {
			act = next;
		},
		destroy() {
			node.removeEventListener('keydown', keydown);
			node.removeEventListener('change', change);
			node.removeEventListener('blur', flush);
			node.removeEventListener('focus', focus);
		}
	};
}
