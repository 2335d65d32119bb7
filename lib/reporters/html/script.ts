/** The HTML report's script, inlined in the page, for the filters: hide the rows that do not match, and say how many are shown. */
export const SCRIPT = `
(function () {
  var form = document.getElementById('filters');
  var shown = document.getElementById('shown');
  var none = document.getElementById('none-shown');
  if (!form) return;
  form.hidden = false;
  var rows = Array.prototype.slice.call(document.querySelectorAll('#findings tbody tr'));
  var keys = ['question', 'severity', 'stack'];
  function apply() {
    var n = 0;
    rows.forEach(function (row) {
      var match = keys.every(function (k) {
        var v = form.elements[k].value;
        return v === '' || row.getAttribute('data-' + k) === v;
      });
      row.hidden = !match;
      if (match) n++;
    });
    var total = rows.length;
    shown.textContent = n === total ? 'Showing ' + total + (total === 1 ? ' finding' : ' findings') : 'Showing ' + n + ' of ' + total + ' findings';
    none.hidden = n > 0;
  }
  form.addEventListener('change', apply);
  form.addEventListener('reset', function () { setTimeout(apply, 0); });
  Array.prototype.forEach.call(document.querySelectorAll('[data-filter-question]'), function (a) {
    a.addEventListener('click', function () {
      form.reset();
      form.elements.question.value = a.getAttribute('data-filter-question');
      apply();
    });
  });
})();
`;
