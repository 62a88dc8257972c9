// The dashboard's charts, drawn with the ECharts this project serves (static/echarts).
(function () {
  "use strict";
  var figures = JSON.parse(document.getElementById("stats-figures").textContent);
  var RED = ["#c0392b", "#e67e22", "#f1c40f", "#27ae60", "#2980b9", "#8e44ad", "#7f8c8d"];
  var TITLES = {claimed_by: "谁认领了心愿", by_kind: "物质心愿与精神心愿",
                by_wish_type: "个人心愿与团体心愿", by_community: "各社区心愿",
                by_category: "服务类别"};

  function pie(name, entries, value) {
    return {title: {text: TITLES[name], left: "center", textStyle: {fontSize: 14}},
            color: RED, tooltip: {trigger: "item", formatter: "{b}：{c}（{d}%）"},
            legend: {bottom: 0, type: "scroll"},
            series: [{type: "pie", radius: ["35%", "62%"], center: ["50%", "50%"],
                      label: {formatter: "{b}\n{c}"},
                      data: entries.filter(function (e) { return e[value] > 0; })
                        .map(function (e) { return {name: e.label, value: e[value]}; })}]};
  }

  function bars(name, entries) {
    var series = [["collected", "征集"], ["claimed", "已认领"], ["confirmed", "已确认完成"]];
    return {title: {text: TITLES[name], left: "center", textStyle: {fontSize: 14}},
            color: RED, tooltip: {trigger: "axis"}, legend: {bottom: 0},
            grid: {left: 40, right: 16, top: 40, bottom: 70},
            xAxis: {type: "category", axisLabel: {interval: 0, rotate: 30},
                    data: entries.map(function (e) { return e.label; })},
            yAxis: {type: "value", minInterval: 1},
            series: series.map(function (s) {
              return {name: s[1], type: "bar",
                      data: entries.map(function (e) { return e[s[0]]; })};
            })};
  }

  var OPTIONS = {
    claimed_by: function () { return pie("claimed_by", figures.claimed_by, "count"); },
    by_kind: function () { return pie("by_kind", figures.by_kind, "collected"); },
    by_wish_type: function () { return pie("by_wish_type", figures.by_wish_type, "collected"); },
    by_community: function () { return bars("by_community", figures.by_community); },
    by_category: function () {
      return bars("by_category", figures.by_category.filter(function (e) { return e.collected > 0; }));
    }
  };
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var chart = echarts.init(el, null, {renderer: "canvas"});
    chart.setOption(OPTIONS[el.getAttribute("data-chart")]());
    el.setAttribute("data-drawn", "true");
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
}());
