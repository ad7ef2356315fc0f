/** A model file that cannot be used, with a message meant for the person who chose it. */
export class ModelError extends Error {
	constructor(message: string, readonly hint?: string) {
		super(message);
		this.name = 'ModelError';
	}
}
