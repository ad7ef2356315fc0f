// The model list (models/index.json) and which entry to open.
export interface ZooEntry {
	id: string;
	file: string;
	title: string;
	description: string;
	default?: boolean;
}

export const DEFAULT_MODEL_ID = 'pre-ln';

export async function loadZoo(url: string): Promise<ZooEntry[]> {
	let res: Response;
	try {
		res = await fetch(url);
	} catch (e) {
		throw new Error(`Could not fetch the model list ${url}: ${(e as Error).message}`, { cause: e });
	}
	if (res.status === 404) throw new Error('The model zoo is missing (models/index.json): run `npm run models`.');
	if (!res.ok) throw new Error(`Could not fetch the model list ${url}: HTTP ${res.status}`);
	const list: unknown = await res.json();
	if (!Array.isArray(list) || list.length === 0) throw new Error('The model list (models/index.json) is empty.');
	return list.filter((e): e is ZooEntry => !!e && typeof e.id === 'string' && typeof e.file === 'string');
}

/** The requested id, else the entry marked default, else pre-ln, else the first. */
export function pickModel(zoo: readonly ZooEntry[], id: string | null): ZooEntry {
	if (id !== null) {
		const e = zoo.find((x) => x.id === id);
		if (!e) throw new Error(`No model "${id}" in the zoo (have: ${zoo.map((x) => x.id).join(', ')}).`);
		return e;
	}
	const e = zoo.find((x) => x.default) ?? zoo.find((x) => x.id === DEFAULT_MODEL_ID) ?? zoo[0];
	if (!e) throw new Error('The model list (models/index.json) is empty.');
	return e;
}
