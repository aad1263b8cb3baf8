// Progressive enhancement for the order page: while the payment is being
// confirmed, fetch the page again every 1.5 s and swap it in when the order's
// status changes. Without JavaScript the page offers a refresh link.
(function () {
  var page = document.getElementById('order-page');
  if (!page || !document.getElementById('payment-processing')) return;
  var status = page.dataset.status;
  var tries = 0;
  function poll() {
    if (++tries > 80) return;  // two minutes; the refresh link stays
    fetch(location.pathname, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, 'text/html').getElementById('order-page');
        if (next && (next.dataset.status !== status || !next.querySelector('#payment-processing'))) {
          page.replaceWith(next);
          return;
        }
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1500);
})();
