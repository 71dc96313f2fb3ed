// Draws the overview's charts from the JSON the page embeds (Chart.js, vendored).
(function () {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const bar = (id, labels, datasets, stacked) => new Chart(document.getElementById(id), {
    type: "bar", data: { labels, datasets },
    options: { responsive: true, scales: { x: { stacked }, y: { stacked, beginAtZero: true } } },
  });
  new Chart(document.getElementById("perDay"), {
    type: "line", data: { labels: data.days, datasets: [{ label: "aduan", data: data.perDay, tension: 0.2 }] },
    options: { responsive: true, scales: { y: { beginAtZero: true } } },
  });
  bar("responses", data.agencies, data.buckets.map((label, i) => ({
    label, data: data.agencies.map((a) => data.distribution[a][i]),
  })), true);
  bar("regions", data.regions.map((r) => r[0]), [{ label: "aduan", data: data.regions.map((r) => r[1]) }], false);
  bar("topics", data.topics.map((r) => r[0]), [{ label: "aduan", data: data.topics.map((r) => r[1]) }], false);
})();
