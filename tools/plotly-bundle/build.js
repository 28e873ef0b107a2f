// Builds plotly.js with only the trace types of index.js into one minified file (see the Makefile target
// plotly-bundle). Settings follow plotly.js's own esbuild-config.js for the library build.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const out = process.argv[2];
const version = require('plotly.js/package.json').version;
esbuild.buildSync({
    entryPoints: [path.join(__dirname, 'index.js')],
    outfile: out,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    legalComments: 'none',
    target: 'es2016',
    define: {global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false'},
    banner: {js: `/* plotly.js v${version} (MIT licence, see plotly-LICENSE.txt): core, bar, choropleth */`},
    loader: {'.css': 'empty'},  // maplibre's stylesheet: no map trace is bundled
    logLevel: 'warning'
});
fs.copyFileSync(require.resolve('plotly.js/LICENSE'), path.join(path.dirname(out), 'plotly-LICENSE.txt'));
