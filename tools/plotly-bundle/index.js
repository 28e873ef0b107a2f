// The trace types the suite draws (scatter is part of the core). Add a type here, and to TRACES in
// src/analytics/publish/bundle.py, when a notebook starts drawing it; tests/test_bundle.py checks both.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/choropleth')
]);

module.exports = Plotly;
