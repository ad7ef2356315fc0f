// What the norm and residual charts share with each other and with the page: the selected token (norm
// panel, residual flow, attention heatmap and the compare view highlight it), the token and flow
// position under the pointer (hover is synced across charts and across the two compared models),
// and the readout of the chart point hovered. One instance per page.
import type { ChartReadout } from '$lib/viz/chart-readout';

export class ChartState {
	/** The selected token position (click a bar or a column; click again to clear). */
	token = $state<number | null>(null);
	/** The token under the pointer in any per-token chart. */
	hoverToken = $state<number | null>(null);
	/** The flow position (layer i: i, i + 0.5, i + 1) under the pointer in any flow chart. */
	hoverX = $state<number | null>(null);
	/** The hovered chart point, for the page's hover readout (null: the heatmaps' readout shows). */
	readout = $state.raw<ChartReadout | null>(null);
	/** Post-norm models: also plot the stream before each LN. */
	beforeNorm = $state(false);

	selectToken(t: number | null): void {
		this.token = t === null || t === this.token ? null : t;
	}

	/** Drops a selection that the new sequence no longer has. */
	clamp(tokens: number): void {
		if (this.token !== null && this.token >= tokens) this.token = null;
		if (this.hoverToken !== null && this.hoverToken >= tokens) this.hoverToken = null;
	}

	hover(r: ChartReadout | null, token: number | null = r?.token ?? null, x: number | null = null): void {
		this.readout = r;
		this.hoverToken = token;
		this.hoverX = x;
	}

	leave(): void {
		this.hover(null);
	}
}
