// The readout types the primitives print.
/** What the readout prints: a chart point (viz/chart-readout.ts) or a heatmap cell (viz/readout.ts). */
export interface AnyReadout {
	source: string;
	title: string;
	value: string;
	fields: [string, string][];
	token?: number | null;
	layer?: number | null;
	series?: string;
	model?: string;
	row?: number;
	col?: number;
	masked?: boolean;
}
