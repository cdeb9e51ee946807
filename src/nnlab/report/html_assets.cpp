// The style sheet and scripts of report.html, as raw string literals. Each function is one long
// literal, which is text rather than logic, so the ~60-line rule for functions does not apply.
#include "nnlab/report/html_assets.h"

namespace nnlab::report {

std::string_view report_css() {
  return R"nnlab(
:root { --fg: #1d232a; --muted: #5b6673; --line: #d8dee6; --panel: #f6f8fa; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header h1 { font-size: 26px; margin: 0 0 2px; }
header .folder { color: var(--muted); font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
.status { display: inline-block; padding: 1px 10px; border-radius: 12px; font-size: 13px; font-weight: 600; }
.status.ok { background: #dafbe1; color: #116329; }
.status.warn { background: #fff8c5; color: #7d4e00; }
.status.bad { background: #ffebe9; color: #a40e26; }
.status.running { background: #ddf4ff; color: #0550ae; }
nav.toc { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 16px;
  margin: 16px 0 0; }
nav.toc ol { margin: 0; padding-left: 22px; columns: 4; column-gap: 24px; }
section { margin-top: 32px; }
h2 { font-size: 20px; margin: 0 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 16px 0 8px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 14px; }
th, td { padding: 3px 12px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { background: var(--panel); position: sticky; top: 0; font-weight: 600; }
table.kv th { text-align: left; color: var(--muted); font-weight: 500; }
table.kv td { text-align: left; white-space: normal; }
td.wrap { text-align: left; white-space: normal; min-width: 12em; }
.side-by-side { display: flex; flex-wrap: wrap; gap: 16px 48px; align-items: flex-start; }
.scroll { max-height: 440px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; max-width: 100%;
  display: inline-block; }
.scroll table { margin: 0; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 0;
  overflow: auto; max-height: 520px; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.command { display: flex; gap: 8px; align-items: stretch; margin-bottom: 12px; }
.command pre { flex: 1; white-space: pre-wrap; word-break: break-all; }
button.copy { font: inherit; font-size: 13px; padding: 0 12px; border: 1px solid var(--line); border-radius: 6px;
  background: #fff; cursor: pointer; }
.charts, .plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 18px; }
.chart-card, .plots figure { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px 12px; margin: 0; }
.chart-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 14px; margin-bottom: 4px; }
.chart-head h3 { margin: 0; flex: 1 0 auto; }
.controls { font-size: 13px; color: var(--muted); display: flex; gap: 12px; align-items: center; }
.controls input[type=number] { width: 4.5em; font: inherit; }
.controls select { font: inherit; max-width: 40em; }
.compare-pick { margin-bottom: 12px; }
.chart-box { position: relative; height: 300px; }
.gallery { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 8px; }
.gallery figure { margin: 0; text-align: center; }
.gallery img { image-rendering: pixelated; border: 1px solid var(--line); }
figcaption { font-size: 12px; color: var(--muted); max-width: 160px; margin: 2px auto 0; }
.plots img { width: 100%; height: auto; display: block; }
.plots figcaption { max-width: none; font-size: 14px; text-align: center; }
.none { color: var(--muted); font-style: italic; }
.note { color: var(--muted); font-size: 13px; }
)nnlab";
}

std::string_view self_check_script() {
  return R"nnlab(
(function () {
  var errors = [];
  function note(message) {
    errors.push(String(message));
    if (document.body) document.body.dataset.errors = errors.join(' | ');
  }
  window.nnlabNoteError = note;
  window.onerror = function (message, source, line, column) { note(message + ' (line ' + line + ':' + column + ')'); };
  var consoleError = console.error;
  console.error = function () {
    note(Array.prototype.join.call(arguments, ' '));
    return consoleError.apply(console, arguments);
  };
  document.addEventListener('DOMContentLoaded', function () {
    if (errors.length) document.body.dataset.errors = errors.join(' | ');
  });
})();
)nnlab";
}

std::string_view charts_script() {
  return R"nnlab(
(function () {
  'use strict';
  var palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
                 '#bcbd22', '#17becf'];
  var spec = JSON.parse(document.getElementById('nnlab-charts').textContent);

  // Every point is kept: {x, y} objects in Chart.js's internal format (parsing: false); null -> gap.
  function points(series) {
    var out = new Array(series.x.length);
    for (var i = 0; i < out.length; i++) out[i] = {x: series.x[i], y: series.y[i] === null ? NaN : series.y[i]};
    return out;
  }

  // Trailing moving average over the last `size` finite values; gaps stay gaps.
  function smooth(raw, size) {
    var out = new Array(raw.length), kept = [], first = 0, sum = 0;
    for (var i = 0; i < raw.length; i++) {
      var y = raw[i].y;
      if (isFinite(y)) {
        kept.push(y);
        sum += y;
        if (kept.length - first > size) sum -= kept[first++];
      }
      out[i] = {x: raw[i].x, y: isFinite(y) ? sum / (kept.length - first) : NaN};
    }
    return out;
  }

  function lineOptions(c, rightAxis) {
    var scales = {
      x: {type: 'linear', title: {display: true, text: c.x_title}, ticks: {precision: 0}},
      y: {type: 'linear', title: {display: c.y_title !== '', text: c.y_title}}
    };
    if (rightAxis) {
      scales.y2 = {type: 'linear', position: 'right', grid: {drawOnChartArea: false},
                   title: {display: true, text: 'lr'}};
    }
    return {
      animation: false, parsing: false, normalized: true, responsive: true, maintainAspectRatio: false,
      interaction: {mode: 'nearest', axis: 'x', intersect: false},
      plugins: {
        decimation: {enabled: false},
        legend: {position: 'bottom', labels: {boxWidth: 14, boxHeight: 2}},
        tooltip: {callbacks: {title: function (items) { return items.length ? c.x_title + ' ' + items[0].parsed.x : ''; }}}
      },
      scales: scales
    };
  }

  function lineChart(c, canvas, card) {
    var total = c.series.reduce(function (n, s) { return n + s.x.length; }, 0);
    var raws = c.series.map(points);
    var datasets = c.series.map(function (s, i) {
      var colour = palette[i % palette.length];
      return {label: s.label, data: raws[i], borderColor: colour, backgroundColor: colour, borderWidth: 1.5,
              pointRadius: total > 300 ? 0 : 2.5, pointHoverRadius: 4, yAxisID: s.right ? 'y2' : 'y'};
    });
    var rightAxis = c.series.some(function (s) { return s.right; });
    var chart = new Chart(canvas, {type: 'line', data: {datasets: datasets}, options: lineOptions(c, rightAxis)});
    var smoothBox = card.querySelector('input.smooth'), windowBox = card.querySelector('input.window');
    var logBox = card.querySelector('input.logy');
    function resmooth() {
      var size = Math.max(1, Math.floor(Number(windowBox.value) || 1));
      chart.data.datasets.forEach(function (d, i) { d.data = smoothBox.checked ? smooth(raws[i], size) : raws[i]; });
      chart.update('none');
    }
    smoothBox.addEventListener('change', resmooth);
    windowBox.addEventListener('input', function () { if (smoothBox.checked) resmooth(); });
    logBox.addEventListener('change', function () {
      chart.options.scales.y.type = logBox.checked ? 'logarithmic' : 'linear';
      chart.update('none');
    });
  }

  function barChart(c, canvas) {
    new Chart(canvas, {
      type: 'bar',
      data: {labels: c.labels, datasets: [{label: 'count', data: c.counts, backgroundColor: palette[0],
                                            barPercentage: 1.0, categoryPercentage: 1.0}]},
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: {legend: {display: false}},
        scales: {x: {title: {display: true, text: c.x_title}, ticks: {maxRotation: 0, autoSkipPadding: 12}},
                 y: {beginAtZero: true, title: {display: true, text: 'count'}}}
      }
    });
  }

  spec.charts.forEach(function (c) {
    try {
      var canvas = document.getElementById(c.id);
      if (c.kind === 'line') lineChart(c, canvas, canvas.closest('.chart-card'));
      else barChart(c, canvas);
    } catch (error) {
      window.nnlabNoteError('chart ' + c.id + ': ' + error);
    }
  });

  document.querySelectorAll('button.copy').forEach(function (button) {
    button.addEventListener('click', function () {
      var text = document.getElementById(button.dataset.target).textContent;
      var selectIt = function () { window.getSelection().selectAllChildren(document.getElementById(button.dataset.target)); };
      if (navigator.clipboard) navigator.clipboard.writeText(text).then(function () { button.textContent = 'copied'; }, selectIt);
      else selectIt();
    });
  });

  document.body.dataset.chartsDrawn = String(Object.keys(Chart.instances).length);
})();
)nnlab";
}

}  // namespace nnlab::report
