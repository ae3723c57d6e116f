/**
 * The script that draws the report's charts in the browser, inlined after Chart.js. It
 * reads only the JSON data element and draws on canvases, which never interpret markup,
 * so no log text reaches the DOM through it.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var palette = ['#b42318', '#1570ef', '#dc6803', '#079455', '#7a5af8', '#c11574', '#667085'];
  var charts = [];
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
  Chart.defaults.color = '#3b4452';
  Chart.defaults.plugins.legend.labels.boxWidth = 12;

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) charts.push(new Chart(canvas, config));
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  // localMs is already shifted to the zone of the machine that wrote the report.
  function formatLocal(ms, withSeconds) {
    var d = new Date(ms);
    var minute = d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
    return withSeconds ? minute + ':' + pad(d.getUTCSeconds()) : minute;
  }
  // Counts are whole numbers, so their axes step by at least 1.
  var counts = { beginAtZero: true, ticks: { precision: 0 } };
  function countAxis(extra) { return Object.assign({}, counts, extra); }

  var overTime = data.failsOverTime;
  draw('chart-fails-time', {
    type: 'bar',
    data: {
      labels: overTime.labels,
      datasets: overTime.series.map(function (series, i) {
        return { label: series.source, data: series.counts, backgroundColor: palette[i % palette.length], borderWidth: 0 };
      })
    },
    options: {
      scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } }, y: countAxis({ stacked: true, title: { display: true, text: 'FAIL per ' + overTime.bucketLabel } }) },
      plugins: { legend: { position: 'bottom' } }
    }
  });

  draw('chart-reasons', {
    type: 'bar',
    data: { labels: data.failsByReason.map(function (r) { return r.name; }), datasets: [{ label: 'FAIL', data: data.failsByReason.map(function (r) { return r.count; }), backgroundColor: palette[0] }] },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: countAxis({}) } }
  });

  draw('chart-services', {
    type: 'bar',
    data: {
      labels: data.services.map(function (s) { return s.service; }),
      datasets: [
        { label: 'accepted (START)', data: data.services.map(function (s) { return s.starts; }), backgroundColor: '#1570ef' },
        { label: 'refused (FAIL)', data: data.services.map(function (s) { return s.fails; }), backgroundColor: '#b42318' }
      ]
    },
    options: { indexAxis: 'y', scales: { x: countAxis({ stacked: true }), y: { stacked: true } }, plugins: { legend: { position: 'bottom' } } }
  });

  draw('chart-durations', {
    type: 'bar',
    data: { labels: data.durations.map(function (d) { return d.name; }), datasets: [{ label: 'sessions', data: data.durations.map(function (d) { return d.count; }), backgroundColor: '#079455' }] },
    options: { plugins: { legend: { display: false } }, scales: { y: countAxis({ title: { display: true, text: 'sessions' } }) } }
  });

  var lanes = data.lanes;
  // Events that fall within an hour get seconds in their labels, and a span under two
  // minutes is widened around its middle, so that no two axis labels read the same.
  var times = data.timeline.map(function (e) { return e.localMs; });
  var first = Math.min.apply(null, times);
  var last = Math.max.apply(null, times);
  var withSeconds = last - first < 3600 * 1000;
  var middle = (first + last) / 2;
  var widened = last - first < 120 * 1000 ? { min: middle - 60 * 1000, max: middle + 60 * 1000 } : {};
  draw('chart-timeline', {
    type: 'scatter',
    data: {
      datasets: lanes.map(function (lane, i) {
        return {
          label: lane,
          data: data.timeline.filter(function (e) { return e.lane === lane; }).map(function (e) { return { x: e.localMs, y: i, text: e.text }; }),
          backgroundColor: data.laneColors[lane], borderColor: data.laneColors[lane], pointRadius: 6, pointHoverRadius: 8, pointStyle: 'rectRot'
        };
      })
    },
    options: {
      scales: {
        x: Object.assign({ type: 'linear', ticks: { maxRotation: 0, autoSkipPadding: 16, callback: function (value) { return formatLocal(value, withSeconds); } } }, widened),
        y: {
          type: 'linear', min: -0.5, max: lanes.length - 0.5, reverse: true,
          afterBuildTicks: function (axis) { axis.ticks = lanes.map(function (lane, i) { return { value: i }; }); },
          ticks: { autoSkip: false, callback: function (value) { return lanes[value] || ''; } }
        }
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: function (item) { return formatLocal(item.raw.x, true) + ' ' + item.raw.text; } } }
      }
    }
  });

  window.addEventListener('beforeprint', function () { charts.forEach(function (chart) { chart.resize(); }); });
  document.documentElement.setAttribute('data-charts', String(charts.length));
})();
`;
