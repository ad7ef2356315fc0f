// A tiny static server for the Chromium parts: URL prefixes mapped to folders (or single files),
// cross-origin isolated (COOP/COEP, so WASM may use threads as in the app), with
// Content-Length on every file (the app's fetch reports progress from it).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript',
	'.mjs': 'text/javascript',
	'.css': 'text/css',
	'.json': 'application/json',
	'.wasm': 'application/wasm',
	'.svg': 'image/svg+xml',
	'.onnx': 'application/octet-stream'
};

export interface Mount {
	prefix: string; // "/ort/", or "/" last, as the fallback
	dir: string;
	/** Serve this file for paths under the prefix that match no file (a single-page app). */
	fallback?: string;
}

export interface StaticServer {
	url: string;
	close(): Promise<void>;
}

function resolveFile(m: Mount, path: string): string | null {
	const rel = normalize(decodeURIComponent(path.slice(m.prefix.length)) || 'index.html');
	if (rel.startsWith('..') || rel.includes(`${sep}..`)) return null;
	const file = join(m.dir, rel);
	if (existsSync(file) && statSync(file).isFile()) return file;
	if (existsSync(join(file, 'index.html'))) return join(file, 'index.html');
	return m.fallback ? join(m.dir, m.fallback) : null;
}

export async function serve(mounts: Mount[]): Promise<StaticServer> {
	const server: Server = createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
		res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
		res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
		res.setHeader('Cache-Control', 'no-store');
		for (const m of mounts) {
			if (!path.startsWith(m.prefix)) continue;
			const file = resolveFile(m, path);
			if (!file) continue;
			res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
			res.setHeader('Content-Length', String(statSync(file).size));
			createReadStream(file).pipe(res);
			return;
		}
		res.statusCode = 404;
		res.end('not found');
	});
	await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		close: () =>
			new Promise<void>((ok) => {
				server.closeAllConnections();
				server.close(() => ok());
			})
	};
}
