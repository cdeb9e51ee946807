// The "Compare two trials" section of a sweep's report.html: its markup, its data and its
// script. The script is one long raw string literal, which is text rather than logic, so the
// ~60-line rule for functions does not apply to compare_script.
#include "nnlab/lab/sweep_compare.h"

#include "nnlab/lab/sweep_report_table.h"

namespace nnlab::lab {

std::string compare_section() {
  return R"nnlab(<div class="controls compare-pick">
<label>A <select id="compare-a"><option value="">choose a trial</option></select></label>
<label>B <select id="compare-b"><option value="">choose a trial</option></select></label>
</div>
<p id="compare-empty" class="none">Choose two trials.</p>
<div id="compare-result" hidden>
<p id="compare-notes" class="note"></p>
<div class="side-by-side">
<div><h3>Settings that differ</h3><table><thead><tr><th>key</th><th>A</th><th>B</th></tr></thead>
<tbody id="compare-settings"></tbody></table></div>
<div><h3>Final metrics</h3><table><thead><tr><th>metric</th><th>A</th><th>B</th><th>B &minus; A</th></tr></thead>
<tbody id="compare-finals"></tbody></table></div>
</div>
<h3>Losses</h3>
<p id="compare-first-difference"></p>
<div class="chart-card"><div class="chart-head"><h3>both trials' losses</h3><div class="controls"><label><input
type="checkbox" id="compare-logy"> log y</label></div></div>
<div class="chart-box"><canvas id="compare-chart" role="img" aria-label="both trials' losses"></canvas></div></div>
<h3>Full diff</h3>
<div class="command"><pre id="compare-command"></pre><button class="copy" type="button"
data-target="compare-command">copy</button></div>
<p class="note">Run in the sweep folder: every config key that differs, the final metrics and a chart of both runs'
losses.</p>
</div>
)nnlab";
}

nlohmann::ordered_json compare_data(const std::vector<TrialRecords>& trials) {
  using Json = nlohmann::ordered_json;
  Json list = Json::array();
  for (const TrialRecords& t : trials) {
    const TrialOutcome& outcome = *t.trial;
    Json settings = Json::array();
    for (const auto& [key, value] : outcome.trial.settings) settings.push_back(Json::array({key, value}));
    // The seed as text: a JavaScript number holds integers exactly only up to 2^53.
    list.push_back({{"name", outcome.trial.name},
                    {"status", status_label(outcome.status).text},
                    {"reason", outcome.reason},
                    {"seed", std::to_string(outcome.trial.seed)},
                    {"settings", std::move(settings)},
                    {"problem", t.problem}});
  }
  return {{"trials", std::move(list)}};
}

std::string_view compare_script() {
  return R"nnlab(
(function () {
  'use strict';
  var trials = JSON.parse(document.getElementById('nnlab-sweep').textContent).trials;
  var charts = JSON.parse(document.getElementById('nnlab-charts').textContent).charts;
  // The epoch-level tags whose last values nnlab diff sets side by side (lab/run_diff.cpp), in its order.
  var finalTags = ['train/loss', 'train/accuracy', 'val/loss', 'val/accuracy', 'test/loss', 'test/accuracy', 'lr'];
  var pickA = document.getElementById('compare-a'), pickB = document.getElementById('compare-b');
  var logBox = document.getElementById('compare-logy');
  var byName = new Map();  // not a plain object: a trial may be called "constructor"
  var lossChart = null;

  trials.forEach(function (t) {
    byName.set(t.name, t);
    [pickA, pickB].forEach(function (select) {
      var option = document.createElement('option');
      option.value = t.name;
      option.textContent = t.name + ' \u2014 ' + t.status;
      select.appendChild(option);
    });
  });

  // A trial's records of `tag` as {step: [...], value: [...]}, read from the chart that draws them
  // (epoch-level lines carry their steps); values as metrics.jsonl holds them, null for NaN or inf.
  function records(tag, name) {
    for (var i = 0; i < charts.length; i++) {
      if (charts[i].title !== tag) continue;
      for (var j = 0; j < charts[i].series.length; j++) {
        var s = charts[i].series[j];
        if (s.label === name) return {step: s.step || s.x, value: s.y};
      }
    }
    return {step: [], value: []};
  }

  // Bit for bit, as nnlab diff compares: -0 differs from 0, and two nulls (values recorded alike) agree.
  function same(x, y) { return Object.is(x, y); }

  // nnlab diff's first_difference: the step of the first record that differs in step or value; the
  // first step past the shorter series when they agree as far as both go; null when they agree.
  function firstDifference(a, b) {
    var shared = Math.min(a.step.length, b.step.length);
    for (var i = 0; i < shared; i++) {
      if (a.step[i] !== b.step[i] || !same(a.value[i], b.value[i])) return Math.min(a.step[i], b.step[i]);
    }
    if (a.step.length === b.step.length) return null;
    return (a.step.length > shared ? a : b).step[shared];
  }

  // nnlab diff's choice: step/loss when both trials logged it, else the epoch-level train/loss.
  function losses(a, b) {
    var byStep = {tag: 'step/loss', byStep: true, a: records('step/loss', a), b: records('step/loss', b)};
    if (byStep.a.step.length && byStep.b.step.length) return byStep;
    return {tag: 'train/loss', byStep: false, a: records('train/loss', a), b: records('train/loss', b)};
  }

  function differenceText(l) {
    if (!l.a.step.length && !l.b.step.length) return 'Losses not recorded.';
    var step = firstDifference(l.a, l.b), compared = Math.min(l.a.step.length, l.b.step.length);
    if (step === null) {
      return 'No difference: losses identical for all ' + compared + (l.byStep ? ' steps.' : ' epochs (train/loss).');
    }
    if (l.byStep) return 'Losses part at step ' + step + '.';
    return 'Losses part by step ' + step + ': the end of the first epoch whose train/loss differs ' +
           '(the trials did not both log step/loss).';
  }

  // nnlab diff's config_differences over the trials' settings and seed: A's keys in order, then
  // the keys only B has; '-' on the side without the key.
  function settingDifferences(a, b) {
    var sa = a.settings.concat([['seed', a.seed]]), sb = b.settings.concat([['seed', b.seed]]);
    function valueIn(list, key) {
      for (var i = 0; i < list.length; i++) if (list[i][0] === key) return list[i][1];
      return null;
    }
    var rows = [];
    sa.forEach(function (kv) {
      var other = valueIn(sb, kv[0]);
      if (other !== kv[1]) rows.push([kv[0], kv[1], other === null ? '-' : other]);
    });
    sb.forEach(function (kv) { if (valueIn(sa, kv[0]) === null) rows.push([kv[0], '-', kv[1]]); });
    return rows;
  }

  function number(v) { return v === null ? 'not finite' : String(Number(v.toPrecision(6))); }

  function finals(a, b) {
    var rows = [];
    finalTags.forEach(function (tag) {
      var va = records(tag, a).value, vb = records(tag, b).value;
      if (!va.length || !vb.length) return;
      var x = va[va.length - 1], y = vb[vb.length - 1];
      rows.push([tag, number(x), number(y), x === null || y === null ? '' : number(y - x)]);
    });
    return rows;
  }

  // Text becomes table cells through textContent: a trial's name or setting is never markup.
  function fillRows(id, rows, none) {
    var body = document.getElementById(id);
    body.textContent = '';
    (rows.length ? rows : [[none]]).forEach(function (row) {
      var tr = document.createElement('tr');
      row.forEach(function (text) {
        var td = document.createElement('td');
        td.textContent = text;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  // One word for the shell: single-quoted unless it holds only characters the shell leaves alone.
  function shellWord(text) {
    return /^[A-Za-z0-9_.,\/=:@%+-]+$/.test(text) ? text : "'" + text.replace(/'/g, "'\\''") + "'";
  }

  function drawLosses(l) {
    if (lossChart) lossChart.destroy();
    var datasets = [['A', l.a, '#1f77b4'], ['B', l.b, '#ff7f0e']].map(function (side) {
      var points = side[1].step.map(function (x, i) {
        return {x: x, y: side[1].value[i] === null ? NaN : side[1].value[i]};
      });
      return {label: side[0] + ': ' + l.tag, data: points, borderColor: side[2], backgroundColor: side[2],
              borderWidth: 1.5, pointRadius: points.length > 300 ? 0 : 2};
    });
    lossChart = new Chart(document.getElementById('compare-chart'), {
      type: 'line', data: {datasets: datasets},
      options: {
        animation: false, parsing: false, responsive: true, maintainAspectRatio: false,
        interaction: {mode: 'nearest', axis: 'x', intersect: false},
        plugins: {legend: {position: 'bottom', labels: {boxWidth: 14, boxHeight: 2}}},
        scales: {x: {type: 'linear', title: {display: true, text: 'optimiser step'}, ticks: {precision: 0}},
                 y: {type: logBox.checked ? 'logarithmic' : 'linear', title: {display: true, text: l.tag}}}
      }
    });
  }

  // What the page knows of a chosen trial that did not finish or left no records.
  function notes(a, b) {
    return [['A', a], ['B', b]].map(function (side) {
      var t = side[1], words = [];
      if (t.status !== 'finished') words.push(t.status + (t.reason ? ': ' + t.reason : ''));
      if (t.problem) words.push('records not recorded (' + t.problem + ')');
      return words.length ? side[0] + ' ' + words.join('; ') + '.' : '';
    }).filter(Boolean).join(' ');
  }

  function show() {
    var a = byName.get(pickA.value), b = byName.get(pickB.value), chosen = Boolean(a && b);
    document.getElementById('compare-empty').hidden = chosen;
    document.getElementById('compare-result').hidden = !chosen;
    if (!chosen) return;
    document.getElementById('compare-notes').textContent = notes(a, b);
    fillRows('compare-settings', settingDifferences(a, b), 'none: the same settings and seed');
    fillRows('compare-finals', finals(a.name, b.name), 'not recorded by both');
    var l = losses(a.name, b.name);
    document.getElementById('compare-first-difference').textContent = differenceText(l);
    drawLosses(l);
    document.getElementById('compare-command').textContent =
        'nnlab diff ' + shellWord('trials/' + a.name) + ' ' + shellWord('trials/' + b.name);
    try {
      history.replaceState(null, '', '#compare=' + encodeURIComponent(a.name) + '|' + encodeURIComponent(b.name));
    } catch (error) {
      // A page opened from a file may not change its address; the comparison stands without it.
    }
  }

  // "#compare=A|B", each name URI-encoded (so '|' inside a name reads %7C).
  function fromAddress() {
    var match = /^#compare=([^|]*)\|(.*)$/.exec(location.hash);
    if (!match) return;
    try {
      var a = decodeURIComponent(match[1]), b = decodeURIComponent(match[2]);
      if (byName.has(a)) pickA.value = a;
      if (byName.has(b)) pickB.value = b;
    } catch (error) {
      // A malformed address: the trials are chosen by hand instead.
    }
  }

  pickA.addEventListener('change', show);
  pickB.addEventListener('change', show);
  logBox.addEventListener('change', function () {
    if (!lossChart) return;
    lossChart.options.scales.y.type = logBox.checked ? 'logarithmic' : 'linear';
    lossChart.update('none');
  });
  window.addEventListener('hashchange', function () { fromAddress(); show(); });
  fromAddress();
  show();
})();
)nnlab";
}

}  // namespace nnlab::lab
