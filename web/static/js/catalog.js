// Progressive enhancement for the catalog pages; everything works without it.
// Served from /static so the Content-Security-Policy (script-src 'self') allows it.
(function () {
  // Product page: a thumbnail swaps the main image instead of opening the file.
  document.querySelectorAll('.thumbnails a[data-large]').forEach(function (a) {
    a.addEventListener('click', function (e) {
      var main = document.getElementById('main-image');
      if (!main) return;
      e.preventDefault();
      main.src = a.dataset.large;
    });
  });

  // Admin product page: the upload API takes the raw image as the body; this
  // sends the chosen file as is, with the session's CSRF token.
  var form = document.getElementById('image-upload');
  if (!form) return;
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var file = document.getElementById('image-file').files[0];
    var status = document.getElementById('image-status');
    if (!file) return;
    status.textContent = 'Uploading…';
    fetch(form.dataset.action, {method: 'POST', body: file, credentials: 'same-origin',
                                headers: {'Content-Type': file.type, 'X-CSRF-Token': form.dataset.csrf}})
      .then(function (r) { return r.json().then(function (b) { return [r, b]; }); })
      .then(function (rb) {
        if (rb[0].ok) { window.location.reload(); } else { status.textContent = rb[1].detail || 'Upload refused'; }
      })
      .catch(function () { status.textContent = 'Upload failed'; });
  });
})();
