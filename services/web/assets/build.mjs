// Builds the page's scripts and vendor files into web_app/static/dist.
// Tailwind builds the stylesheet separately (see package.json), scanning the
// templates and these scripts so the CSS holds only the classes they use.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const web = join(here, "..");
const dist = join(web, "web_app", "static", "dist");
const modules = join(web, "node_modules");

// The page's own scripts, concatenated in dependency order into one file so
// the first load makes one request for them (classic scripts, no bundler).
const SCRIPTS = [
  "format.js",
  "api.js",
  "freshness.js",
  "charts.js",
  "chapters.js",
  "system_dashboard.js",
  "billing_dashboard.js",
  "projects.js",
  "main.js",
];

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

copy(
  join(modules, "chart.js", "dist", "chart.umd.js"),
  join(dist, "js", "chart.umd.js"),
);

// Font Awesome's solid style only; its CSS is bundled into app.css by
// Tailwind and points at ../webfonts/ relative to dist/css/. Known
// shortcoming: the whole solid font (150 KB woff2) ships although the page
// uses a few dozen icons; subsetting it would need a font tool in the build.
for (const font of ["fa-solid-900.woff2", "fa-solid-900.ttf"]) {
  copy(
    join(modules, "@fortawesome", "fontawesome-free", "webfonts", font),
    join(dist, "webfonts", font),
  );
}

const bundle = SCRIPTS.map(
  (name) => `// ---- ${name}\n` + readFileSync(join(here, "js", name), "utf8"),
).join("\n");
mkdirSync(join(dist, "js"), { recursive: true });
writeFileSync(join(dist, "js", "app.js"), bundle);

copy(join(here, "img", "logo.svg"), join(dist, "img", "logo.svg"));
