// The input as a figure's caption says it.
import { DEFAULT_TEXT } from '$lib/runtime/inputs';

/** The input as the caption says it: the text, else the ids, else the seed. */
export function describeInput(input: { text?: string; ids?: string; seed?: number; seq?: number }, textModel: boolean): string | null {
	if (input.ids) return `ids ${input.ids}`;
	if (textModel) return input.text ?? DEFAULT_TEXT;
	if (input.seed !== undefined || input.seq !== undefined)
		return [input.seq !== undefined ? `seq ${input.seq}` : null, `seed ${input.seed ?? 0}`].filter(Boolean).join(', ');
	return null;
}
