/**
 * The page's only script: a time cursor that follows the mouse over the
 * timeline and the grants chart. It reads no data from the history (bars
 * carry their tokens in SVG `<title>`s, which browsers show on hover).
 */
export const HOVER_SCRIPT = `
(function () {
  var charts = document.querySelectorAll('svg.chart[data-x0]');
  function fmt(ms) { return ms >= 100000 ? (ms / 1000).toFixed(1) + ' s' : (ms / 1000).toFixed(3) + ' s'; }
  Array.prototype.forEach.call(charts, function (svg) {
    var x0 = Number(svg.getAttribute('data-x0')), x1 = Number(svg.getAttribute('data-x1'));
    var endMs = Number(svg.getAttribute('data-end-ms'));
    var cur = svg.querySelector('.cursor');
    if (!cur || !(x1 > x0)) return;
    var line = cur.querySelector('line'), bg = cur.querySelector('rect'), label = cur.querySelector('text');
    svg.addEventListener('mousemove', function (e) {
      var m = svg.getScreenCTM();
      if (!m) return;
      var p = svg.createSVGPoint(); p.x = e.clientX; p.y = e.clientY;
      var q = p.matrixTransform(m.inverse());
      if (q.x < x0 || q.x > x1) { cur.setAttribute('visibility', 'hidden'); return; }
      line.setAttribute('x1', q.x); line.setAttribute('x2', q.x);
      var lx = q.x + 66 > x1 ? q.x - 66 : q.x + 2;
      bg.setAttribute('x', lx); label.setAttribute('x', lx + 5);
      label.textContent = fmt((q.x - x0) / (x1 - x0) * endMs);
      cur.setAttribute('visibility', 'visible');
    });
    svg.addEventListener('mouseleave', function () { cur.setAttribute('visibility', 'hidden'); });
  });
})();
`
