// Token labels for axes: visible, short, and treated as plain text (model strings are hostile;
// they only ever reach the DOM through textContent).

const VISIBLE: Record<string, string> = { ' ': '␣', '\n': '⏎', '\t': '⇥', '\r': '␍' };

export function displayToken(s: string, max = 8): string {
	let out = '';
	for (const ch of s) {
		const code = ch.codePointAt(0)!;
		out += VISIBLE[ch] ?? (code < 0x20 || code === 0x7f ? '·' : ch);
	}
	if (out === '') return '∅';
	const chars = [...out];
	return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : out;
}

/** "3 ␣" style labels: the position keeps repeated tokens apart. */
export function axisLabel(pos: number, token: string | undefined): string {
	return token === undefined ? String(pos) : displayToken(token);
}
