// After `vite build`: copy Swagger UI and ReDoc from node_modules into dist/docs-assets/ (so the
// API serves /docs and /redoc without a CDN; api/web.py points the pages at these files), then
// write a gzip twin of every text asset, which api/web.py sends to browsers that accept it.
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const docs = join(dist, "docs-assets");
const files = {
  "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
  "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
  "swagger-ui-dist/favicon-32x32.png": "swagger-ui/favicon-32x32.png",
  "swagger-ui-dist/LICENSE": "swagger-ui/LICENSE",
  "redoc/bundles/redoc.standalone.js": "redoc/redoc.standalone.js",
  "redoc/LICENSE": "redoc/LICENSE",
};
for (const [from, to] of Object.entries(files)) {
  mkdirSync(dirname(join(docs, to)), { recursive: true });
  cpSync(join(root, "node_modules", from), join(docs, to));
}

// ReDoc's sidebar credit loads a logo from Redocly's CDN; it hides itself when the image fails,
// so point it at an empty data URL: the page then asks no other host for anything.
const redoc = join(docs, "redoc", "redoc.standalone.js");
const logo = 'src:"https://cdn.redoc.ly/redoc/logo-mini.svg"';
const bundle = readFileSync(redoc, "utf8");
if (bundle.includes(logo)) writeFileSync(redoc, bundle.replace(logo, 'src:"data:,"'));
else console.warn("postbuild: ReDoc's CDN logo reference not found; tests/e2e/test_docs_offline.py will tell");

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
let zipped = 0;
for (const path of walk(dist)) {
  if (!/\.(js|css|html|svg|json)$/.test(path)) continue;
  writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
  zipped++;
}
console.log(`docs assets copied to ${docs}; ${zipped} files gzipped`);
