import Foundation

extension GanttChart {
    /// A page with the summary, the chart and a table of tests; it works offline, from a file.
    ///
    /// The chart zooms (wheel, buttons) and pans (drag) along the time axis; a model, a test id substring
    /// and the statuses filter the table and dim the rest of the chart; clicking a column header sorts
    /// the table by it (again: the other way round).
    public static func html(_ result: SessionResult) -> String {
        let timeline = Timeline(result)
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>gpuci simulate: \(escape(result.scenario))</title>
        <style>
        \(pageStyle)
        </style></head><body>
        <h1 style="font-size:20px">\(escape(result.scenario)) on \(escape(result.topology))</h1>
        \(result.collectionError.map { "<p style=\"color:\(failedColour)\"><b>Collection failed:</b> \(escape($0))</p>" } ?? "")
        <table class="figures">
        \(figureRows(result))
        </table>
        <h2>GPU occupancy and tests over time</h2>
        \(controls(models: filterModels(timeline)))
        <div id="chart">\(svg(result, width: 1400, interactive: true))</div>
        <h2>Tests in run order</h2>
        <table id="tests"><thead><tr><th class="n">#</th><th>test</th><th>status</th><th>model</th><th class="n">setup wait (s)</th><th class="n">duration (s)</th><th>GPUs</th><th>reason</th></tr></thead><tbody>
        \(testRows(result, timeline))
        </tbody></table>
        <script>
        \(pageScript)
        </script>
        </body></html>

        """
    }

    static func figureRows(_ result: SessionResult) -> String {
        let summary = SessionSummary(result)
        let figures: [(String, String)] = [
            ("wall time", SessionSummary.clock(summary.wallSeconds)), ("tests", "\(summary.tests)"),
            ("failed", "\(summary.failed.count)"), ("skipped", "\(summary.skipped.count)"),
            ("launches", "\(summary.launches)"), ("evictions", "\(summary.evictions)"),
            ("waiting on workers", SessionSummary.clock(summary.workerWaitSeconds)),
            ("waiting on gateways", SessionSummary.clock(summary.gatewayWaitSeconds)),
            ("GPU busy", String(format: "%.1f%%", summary.gpuBusyPercent)),
            ("idle GPU-seconds", String(format: "%.0f", summary.idleGPUSeconds)),
            ("pre-launch requirements", result.requirements.joined(separator: ", ")),
            ("largest single test", "\(result.maxTestGPUs) GPUs (\(result.maxTestName ?? "none"))"),
        ]
        return figures.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined(separator: "\n")
    }

    /// Models in first-launch order, then any a test names without a launch, sorted.
    static func filterModels(_ timeline: Timeline) -> [String] {
        let launched = timeline.models
        let others = Set(timeline.tests.flatMap(\.models)).subtracting(launched).sorted()
        return launched + others
    }

    static func controls(models: [String]) -> String {
        let options = models.map { "<option>\(escape($0))</option>" }.joined()
        let statuses = [TestStatus.passed, .failed, .skipped].map {
            ##"<label><input type="checkbox" class="f-status" value="\##($0.rawValue)" checked> \##($0.rawValue)</label>"##
        }.joined(separator: " ")
        return ##"""
        <div class="controls"><span class="zoom-buttons"><button type="button" id="zoom-in" title="zoom in">+</button><button type="button" id="zoom-out" title="zoom out">−</button><button type="button" id="zoom-reset">whole session</button></span> <span id="view"></span>
        <label>model <select id="f-model"><option value="">all models</option>\##(options)</select></label>
        <label>test id <input type="search" id="f-id" placeholder="substring"></label> \##(statuses) <span id="shown"></span></div>
        """##
    }

    /// One row per test; `data-status` and `data-model` (space-separated model ids) drive the filters.
    static func testRows(_ result: SessionResult, _ timeline: Timeline) -> String {
        var rows: [String] = []
        rows.reserveCapacity(result.tests.count)
        for (index, test) in result.tests.enumerated() {
            let models = index < timeline.tests.count ? timeline.tests[index].models.joined(separator: " ") : ""
            rows.append("<tr data-status=\"\(test.status.rawValue)\" data-model=\"\(escape(models))\"><td class=n>\(index + 1)</td>"
                + "<td>\(escape(test.id))</td><td class=st>\(test.status.rawValue)</td><td>\(escape(models))</td>"
                + "<td class=n>\(String(format: "%.1f", test.setupWait.seconds))</td><td class=n>\(String(format: "%.1f", (test.end - test.start).seconds))</td>"
                + "<td>\(test.gpus.map(String.init).joined(separator: ","))</td><td>\(escape(test.reason ?? ""))</td></tr>")
        }
        return rows.joined(separator: "\n")
    }

    static let pageStyle = """
    body { font-family: Helvetica, Arial, sans-serif; margin: 16px; color: #222; }
    table { border-collapse: collapse; font-size: 13px; }
    th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
    td.n { text-align: right; font-variant-numeric: tabular-nums; }
    .figures th { color: #555; font-weight: normal; white-space: nowrap; }
    h2 { font-size: 16px; margin-top: 24px; }
    tr[data-status=failed] .st { color: \(failedColour); }
    tr[data-status=skipped] .st { color: #888; }
    #tests th { cursor: pointer; user-select: none; white-space: nowrap; }
    #tests th.asc::after { content: " ▲"; }
    #tests th.desc::after { content: " ▼"; }
    .controls { display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; font-size: 13px; margin-bottom: 6px; }
    .controls button { min-width: 28px; }
    #view, #shown { color: #555; font-variant-numeric: tabular-nums; }
    #gantt { cursor: grab; touch-action: none; }
    #gantt.dragging { cursor: grabbing; }
    #gantt .dim { opacity: 0.12; }
    """

    /// Zoom and pan rewrite the x coordinates of everything in the chart's `g.zoom` groups from their
    /// original values: positions map through the view, widths scale, paths (marks) move unstretched.
    static let pageScript = #"""
    (function () {
      "use strict";
      const svg = document.getElementById("gantt");
      const left = +svg.dataset.left, plot = +svg.dataset.plot, wall = +svg.dataset.wall / 1e6;
      let scale = 1, offset = 0, pending = false;
      const originals = [];
      for (const el of svg.querySelectorAll("g.zoom *")) {
        for (const name of ["x", "x1", "x2", "width", "d"]) {
          if (el.hasAttribute(name)) originals.push([el, name, el.getAttribute(name)]);
        }
      }
      const toView = x => left + (x - left - offset) * scale;
      const number = /-?\d+(?:\.\d+)?/g;

      function movePath(d) {
        const xs = d.match(number).map(Number).filter((_, i) => i % 2 === 0);
        const mean = xs.reduce((a, b) => a + b, 0) / xs.length, dx = toView(mean) - mean;
        let i = 0;
        return d.replace(number, v => (i++ % 2 === 0 ? +v + dx : +v).toFixed(1));
      }

      function clock(seconds) {
        const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = (seconds % 60).toFixed(1);
        return h > 0 ? `${h}h${String(m).padStart(2, "0")}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
      }

      function draw() {
        pending = false;
        for (const [el, name, value] of originals) {
          const v = +value;
          const moved = name === "d" ? movePath(value) : name === "width" ? (v <= 1 ? v : v * scale) : toView(v);
          el.setAttribute(name, typeof moved === "number" ? moved.toFixed(1) : moved);
        }
        const from = offset / plot * wall, to = (offset + plot / scale) / plot * wall;
        document.getElementById("view").textContent = scale === 1 ? "" : `${clock(from)} – ${clock(to)} (×${scale.toFixed(1)})`;
      }

      function redraw() {
        offset = Math.min(Math.max(offset, 0), plot - plot / scale);
        if (!pending) { pending = true; requestAnimationFrame(draw); }
      }

      function zoomAt(x, factor) {
        const at = offset + (x - left) / scale;
        scale = Math.min(Math.max(scale * factor, 1), 5000);
        offset = at - (x - left) / scale;
        redraw();
      }

      function chartX(event) {
        const box = svg.getBoundingClientRect();
        return (event.clientX - box.left) * svg.viewBox.baseVal.width / box.width;
      }

      svg.addEventListener("wheel", event => {
        event.preventDefault();
        zoomAt(chartX(event), event.deltaY < 0 ? 1.25 : 0.8);
      }, { passive: false });
      let drag = null;
      svg.addEventListener("pointerdown", event => {
        drag = { x: chartX(event), offset };
        svg.setPointerCapture(event.pointerId);
        svg.classList.add("dragging");
      });
      svg.addEventListener("pointermove", event => {
        if (!drag) return;
        offset = drag.offset - (chartX(event) - drag.x) / scale;
        redraw();
      });
      svg.addEventListener("pointerup", () => { drag = null; svg.classList.remove("dragging"); });
      document.getElementById("zoom-in").onclick = () => zoomAt(left + plot / 2, 2);
      document.getElementById("zoom-out").onclick = () => zoomAt(left + plot / 2, 0.5);
      document.getElementById("zoom-reset").onclick = () => { scale = 1; offset = 0; redraw(); };

      const tbody = document.querySelector("#tests tbody");
      const rows = Array.from(tbody.rows);
      const marks = Array.from(svg.querySelectorAll("[data-s], [data-m]"));
      const modelFilter = document.getElementById("f-model"), idFilter = document.getElementById("f-id");
      const has = (list, word) => list.split(" ").includes(word);

      function filter() {
        const model = modelFilter.value, id = idFilter.value.toLowerCase();
        const statuses = Array.from(document.querySelectorAll(".f-status:checked"), box => box.value);
        let shown = 0;
        for (const row of rows) {
          const keep = statuses.includes(row.dataset.status) && (!model || has(row.dataset.model, model))
            && row.cells[1].textContent.toLowerCase().includes(id);
          row.hidden = !keep;
          if (keep) shown++;
        }
        for (const el of marks) {
          const { s, m } = el.dataset;
          const keep = (s === undefined || s.split(" ").some(word => statuses.includes(word)))
            && (!model || m === undefined || has(m, model));
          el.classList.toggle("dim", !keep);
        }
        document.getElementById("shown").textContent = `${shown} of ${rows.length} tests`;
      }
      modelFilter.onchange = filter;
      idFilter.oninput = filter;
      for (const box of document.querySelectorAll(".f-status")) box.onchange = filter;

      const headers = Array.from(document.querySelectorAll("#tests th"));
      const collator = new Intl.Collator(undefined, { numeric: true });
      let sorted = { column: -1, direction: 1 };
      function sortBy(column) {
        const direction = sorted.column === column ? -sorted.direction : 1;
        sorted = { column, direction };
        const numeric = headers[column].classList.contains("n");
        const text = row => row.cells[column].textContent;
        rows.sort((a, b) => direction * (numeric ? text(a) - text(b) : collator.compare(text(a), text(b))));
        const fragment = document.createDocumentFragment();
        for (const row of rows) fragment.appendChild(row);
        tbody.appendChild(fragment);
        headers.forEach((th, i) => th.className = (th.classList.contains("n") ? "n " : "") + (i === column ? (direction > 0 ? "asc" : "desc") : ""));
      }
      headers.forEach((th, column) => th.addEventListener("click", () => sortBy(column)));
      filter();
    })();
    """#
}
