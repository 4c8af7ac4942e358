// The pages' own script, served from /assets so that the Content-Security-Policy allows no inline
// script. Each part acts only where its element is on the page; the charts read their figures from
// the page's tables and data attributes (never from script text written by the server).
(function () {
  'use strict';
  var all = function (selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); };

  // Print buttons.
  all('[data-print]').forEach(function (b) { b.addEventListener('click', function () { window.print(); }); });

  // "Select all on this page" in the ledger.
  all('[data-select-all]').forEach(function (box) {
    box.addEventListener('click', function () {
      all(box.getAttribute('data-select-all')).forEach(function (b) { b.checked = box.checked; });
    });
  });

  if (typeof echarts === 'undefined') { return; }

  // The dashboard: red / yellow / green, and the same by section (a bar opens those matters).
  var pie = document.getElementById('chart');
  if (pie) {
    var n = function (k) { return Number(pie.getAttribute('data-' + k)); };
    echarts.init(pie).setOption({animation: false,
      title: {text: '红黄绿灯', left: 'center', textStyle: {fontSize: 14}},
      tooltip: {trigger: 'item'},
      series: [{type: 'pie', radius: ['40%', '70%'], data: [
        {value: n('red'), name: '红灯', itemStyle: {color: '#dc3545'}},
        {value: n('yellow'), name: '黄灯', itemStyle: {color: '#ffc107'}},
        {value: n('green'), name: '绿灯', itemStyle: {color: '#198754'}}]}]
    });
  }
  var sections = document.getElementById('section-chart');
  if (sections) {
    var rows = all('#section-table tbody tr');
    var names = rows.map(function (r) { return r.dataset.section; });
    var col = function (k) { return rows.map(function (r) { return Number(r.dataset[k]); }); };
    var bar = function (name, k, color) { return {name: name, type: 'bar', stack: 'all', data: col(k), itemStyle: {color: color}}; };
    var chart = echarts.init(sections);
    chart.setOption({animation: false,
      tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}}, legend: {top: 0},
      grid: {left: 8, right: 16, top: 28, bottom: 8, containLabel: true},
      xAxis: {type: 'value'}, yAxis: {type: 'category', data: names, inverse: true, axisLabel: {width: 220, overflow: 'truncate'}},
      series: [bar('红灯', 'red', '#dc3545'), bar('黄灯', 'yellow', '#ffc107'), bar('绿灯', 'green', '#198754'), bar('已销号', 'done', '#6c757d')]
    });
    chart.on('click', function (p) {
      var level = {'红灯': 'red', '黄灯': 'yellow', '绿灯': 'green'}[p.seriesName];
      location.href = '/matters?section=' + encodeURIComponent(p.name) + (level ? '&level=' + level : '&status=done');
    });
  }

  // The casework metrics: requests received by month.
  var trend = document.getElementById('trend');
  if (trend) {
    var months = all('#months tr');
    echarts.init(trend).setOption({animation: false,
      title: {text: '月度受理量', left: 'center', textStyle: {fontSize: 14}}, tooltip: {trigger: 'axis'},
      grid: {left: 40, right: 16, top: 36, bottom: 24},
      xAxis: {type: 'category', data: months.map(function (r) { return r.dataset.month; })},
      yAxis: {type: 'value'},
      series: [{type: 'bar', data: months.map(function (r) { return Number(r.dataset.n); }), itemStyle: {color: '#0d6efd'}}]
    });
  }
})();
