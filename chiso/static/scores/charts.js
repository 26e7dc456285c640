// Index results charts (ECharts, SVG renderer). Data come from a <script type="application/json">
// written by the template ({{ data|json_script:id }}); no inline script, so the CSP stays strict.
//   <div data-chart="trend|radar" data-chart-source="id" data-chart-series="total"></div>
//   <select data-chart-select="chart element id">  switches the trend between total and dimensions
//   <button data-chart-download="png|svg" data-chart-target="chart element id">
(function () {
  "use strict";
  const COLORS = ["#0d6efd", "#6c757d", "#198754", "#d63384"];

  function readData(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function trendOption(data, key, compact) {
    const t = data.trend[key] || data.trend.total;
    const L = data.labels;
    const series = [];
    if (t.unit.some((v) => v !== null)) {
      series.push({ name: L.unit, type: "line", data: t.unit, symbolSize: 7, connectNulls: false,
        label: { show: !compact, position: "top", formatter: (p) => fmt(p.value) } });
    }
    if (t.derived.some((v) => v !== null)) {
      series.push({ name: L.derived, type: "line", data: t.derived, symbol: "emptyCircle", symbolSize: 7,
        lineStyle: { type: "dashed" }, itemStyle: { color: "#fd7e14" },
        label: { show: !compact, position: "top", formatter: (p) => fmt(p.value) } });
    }
    series.push({ name: L.mean, type: "line", data: t.mean, lineStyle: { type: "dotted" }, itemStyle: { color: "#6c757d" }, symbolSize: 5 });
    series.push({ name: L.best, type: "line", data: t.best, itemStyle: { color: "#198754" }, symbolSize: 5 });
    return {
      animation: false,
      color: COLORS,
      title: compact ? undefined : { text: t.title, left: "center", textStyle: { fontSize: 13, fontWeight: "normal" } },
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: compact ? 16 : 48, bottom: 84 },
      xAxis: { type: "category", data: t.years.map(String), boundaryGap: false },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: (v) => fmt(v, 0) } },
      series: series,
    };
  }

  function radarOption(data) {
    const r = data.radar;
    const L = data.labels;
    return {
      animation: false,
      title: { text: r.title, left: "center", textStyle: { fontSize: 13, fontWeight: "normal" } },
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      radar: { indicator: r.indicators.map((i) => ({ name: i.name, max: i.max })), radius: "58%", center: ["50%", "46%"] },
      series: [{
        type: "radar",
        data: [
          { name: r.derived ? L.derived : L.unit, value: r.unit, itemStyle: { color: r.derived ? "#fd7e14" : "#0d6efd" },
            lineStyle: r.derived ? { type: "dashed" } : {}, areaStyle: { opacity: 0.15 } },
          { name: L.mean, value: r.mean, itemStyle: { color: "#6c757d" }, lineStyle: { type: "dotted" } },
          { name: L.best, value: r.best, itemStyle: { color: "#198754" } },
        ],
      }],
    };
  }

  function fmt(value, decimals) {
    if (value === null || value === undefined || value === "-") return "—";
    const d = decimals === undefined ? 2 : decimals;
    return Number(value).toLocaleString("vi-VN", { minimumFractionDigits: d, maximumFractionDigits: d });
  }

  function optionFor(el, data) {
    if (el.dataset.chart === "radar") return radarOption(data);
    return trendOption(data, el.dataset.chartSeries || "total", el.hasAttribute("data-chart-compact"));
  }

  function draw(el) {
    if (!window.echarts || el.dataset.chartReady) return;
    const data = readData(el.dataset.chartSource);
    if (!data) return;
    const chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(optionFor(el, data));
    el.dataset.chartReady = "1";
    new ResizeObserver(() => chart.resize()).observe(el);
  }

  function drawAll(root) {
    root.querySelectorAll("[data-chart]").forEach(draw);
  }

  function save(href, name) {
    const link = document.createElement("a");
    link.href = href;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function download(el, kind) {
    const chart = window.echarts.getInstanceByDom(el);
    if (!chart) return;
    const name = (el.dataset.chartName || el.id) + "." + kind;
    if (kind === "svg") {
      save(chart.getDataURL({ type: "svg" }), name);
      return;
    }
    // The SVG renderer exports SVG only: draw the same option once on a canvas for the PNG.
    const box = document.createElement("div");
    box.style.cssText = "position:fixed;left:-10000px;top:0;width:" + el.clientWidth + "px;height:" + el.clientHeight + "px";
    document.body.appendChild(box);
    const copy = window.echarts.init(box, null, { renderer: "canvas" });
    copy.setOption(chart.getOption());
    save(copy.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" }), name);
    copy.dispose();
    box.remove();
  }

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-chart-download]") : null;
    if (!button) return;
    const el = document.getElementById(button.dataset.chartTarget);
    if (el) download(el, button.dataset.chartDownload);
  });

  document.addEventListener("change", (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.hasAttribute("data-chart-select")) return;
    const el = document.getElementById(select.dataset.chartSelect);
    const chart = el && window.echarts.getInstanceByDom(el);
    if (!chart) return;
    el.dataset.chartSeries = select.value;
    chart.setOption(optionFor(el, readData(el.dataset.chartSource)), true);
  });

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  document.addEventListener("htmx:afterSettle", () => drawAll(document));
})();
