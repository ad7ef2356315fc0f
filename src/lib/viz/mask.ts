// Which attention cells are masked. A mask adds -inf (or a large negative) to the scores before the
// softmax; where the scores were captured that is what decides, else an exact 0 in the pattern.
import { exactZeroIsMasked, scoresMask, type MaskTest, type MatrixView } from './paint.js';

/** Scores at or below this are a mask, not a small logit (the recognizer's threshold too). */
export const MASK_SCORE = -1e4;

/**
 * `masked`: what recognition says (false: no mask was applied, so nothing is masked; null: unknown).
 * `scores`: the softmax input, sliced like the pattern, when it was captured.
 */
export function maskTest(masked: boolean | null, scores: MatrixView | null): MaskTest | undefined {
	if (masked === false) return undefined;
	if (scores) return scoresMask(scores, MASK_SCORE);
	return exactZeroIsMasked;
}
