// One model's norm and residual numbers on the page, derived from what the worker sent: the tensors as a
// store, the stats plan (in StructureInfo), the residual stream of every layer and d_model. The
// page's model and the compared one (CompareModel) each have one.
import type { ResultMessage, StructureInfo } from '$lib/worker/protocol';
import { residOf, streamWidth, type ResidStats, type StatsPlan } from '$lib/report';
import { storeOf, type TensorStore } from '$lib/tensor';
import { noAttentionReason } from '../attention';

export interface StatsSource {
	result: ResultMessage | null;
	structure: StructureInfo | null;
}

export class StatsView {
	readonly result: ResultMessage | null;
	readonly plan: StatsPlan | null;
	readonly store: TensorStore;
	readonly tokens: readonly string[] | null;
	readonly resid: ResidStats[];
	readonly dModel: number | null;
	/** Tokens of the sequence (0 when the stats found no token axis). */
	readonly seq: number;
	/** Why there are no layers to show (a model that is not a transformer), where known. */
	readonly reason: string | null;

	constructor(src: () => StatsSource) {
		this.result = $derived(src().result);
		this.plan = $derived(src().structure?.stats ?? null);
		this.store = $derived(storeOf(this.result?.tensors ?? []));
		this.tokens = $derived(this.result?.tokens ?? null);
		this.resid = $derived(this.plan ? residOf(this.plan, this.store, this.result?.long?.norms) : []);
		this.dModel = $derived(this.plan ? streamWidth(this.plan, this.store) : null);
		this.seq = $derived(this.resid.find((r) => r.pre)?.pre?.length ?? 0);
		this.reason = $derived(noAttentionReason(src().structure));
	}
}
