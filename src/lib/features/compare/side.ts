// What the compare view takes of the page's run (model A), and the sqrt(d_model) reference lines
// of its stream chart (one per distinct width).
import type { ResultMessage, StructureInfo } from '$lib/worker/protocol';
import type { StatsView } from '../charts';

/** Model A: the page's run. */
export interface CompareSide {
	/** Zoo id or file name. */
	name: string;
	result: ResultMessage | null;
	structure: StructureInfo | null;
	view: StatsView;
	phase: 'loading' | 'ready' | 'error';
	/** The page's last request failed. */
	failed: boolean;
}

export function sqrtDModelRefs(widths: (number | null | undefined)[]): { value: number; label: string }[] {
	const ds = [...new Set(widths.filter((x): x is number => !!x))];
	return ds.map((n) => ({
		value: Math.sqrt(n),
		label: `√d_model = ${Number(Math.sqrt(n).toPrecision(4))}${ds.length > 1 ? ` (d=${n})` : ''}`
	}));
}
