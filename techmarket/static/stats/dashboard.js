/* Dashboard charts: data come from <script type="application/json" id="stats-charts">. */
(function () {
  "use strict";
  var source = document.getElementById("stats-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  function chart(id, option) {
    var node = document.getElementById(id);
    if (!node) { return; }
    var instance = echarts.init(node, null, { renderer: "svg" });
    instance.setOption(option);
    window.addEventListener("resize", function () { instance.resize(); });
  }
  var s = data.series;
  chart("chart-monthly", {
    tooltip: { trigger: "axis" },
    legend: { data: ["合同成交额", "技术交易额", "上年同期成交额"] },
    xAxis: { type: "category", data: s.months },
    yAxis: { type: "value", name: "万元" },
    series: [
      { name: "合同成交额", type: "bar", data: s.contract_amount },
      { name: "技术交易额", type: "bar", data: s.tech_amount },
      { name: "上年同期成交额", type: "line", data: s.previous_contract_amount }
    ]
  });
  function pie(id, rows) {
    chart(id, {
      tooltip: { trigger: "item", formatter: "{b}: {c} 万元 ({d}%)" },
      series: [{ type: "pie", radius: ["35%", "65%"], data: rows }]
    });
  }
  pie("chart-category", data.category);
  pie("chart-field", data.field);
  chart("chart-district", {
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.district.map(function (r) { return r.name; }) },
    yAxis: { type: "value", name: "万元" },
    series: [{ type: "bar", data: data.district.map(function (r) { return r.value; }) }]
  });
  var n = data.national;
  chart("chart-national-province", {
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: n.years },
    yAxis: { type: "value", name: "万元" },
    series: [{ type: "line", data: n.province }]
  });
  chart("chart-national-ranking", {
    tooltip: { trigger: "axis" },
    grid: { left: 80 },
    xAxis: { type: "value", name: "万元" },
    yAxis: { type: "category", data: n.ranking_names.slice().reverse() },
    series: [{ type: "bar", data: n.ranking_values.slice().reverse() }]
  });
})();
