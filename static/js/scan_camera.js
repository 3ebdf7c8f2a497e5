// Staff scanning with the phone camera (checkpoints/templates/checkpoints/portal/scan.html).
// Reads the QR code of a visitor's personal QR or chip ID card, puts its text in the payload
// field and submits the form, as a hand-held scanner does. Uses the browser's BarcodeDetector
// where there is one (Chrome on Android), else jsQR (static/vendor/jsqr), fetched only when
// the camera is opened. Without JavaScript or a camera the page works as before.
(function () {
  "use strict";
  var button = document.getElementById("camera");
  var video = document.getElementById("preview");
  var form = document.getElementById("scan");
  var message = document.getElementById("camera-message");
  var media = navigator.mediaDevices;
  if (!button || !video || !form || !media || !media.getUserMedia) return;
  button.hidden = false;

  function loadJsQR() {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) return resolve(window.jsQR);
      var script = document.createElement("script");
      script.src = button.getAttribute("data-jsqr");
      script.onload = function () { resolve(window.jsQR); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  // A function that reads the current video frame: resolves to the code's text or null.
  function reader() {
    if ("BarcodeDetector" in window) {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      return Promise.resolve(function () {
        return detector.detect(video).then(function (codes) {
          return codes.length ? codes[0].rawValue : null;
        });
      });
    }
    return loadJsQR().then(function (jsQR) {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        if (!video.videoWidth) return Promise.resolve(null);
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        var frame = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "attemptBoth" });
        return Promise.resolve(code && code.data ? code.data : null);
      };
    });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    message.hidden = true;
    Promise.all([media.getUserMedia({ video: { facingMode: "environment" } }), reader()]).then(
      function (ready) {
        var stream = ready[0];
        var read = ready[1];
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        (function tick() {
          read().then(
            function (text) {
              if (!text) return setTimeout(tick, 150);
              stream.getTracks().forEach(function (track) { track.stop(); });
              document.getElementById("id_payload").value = text;
              form.submit();
            },
            function () { setTimeout(tick, 300); }
          );
        })();
      },
      function () {
        button.disabled = false;
        message.hidden = false;
      }
    );
  });
})();
