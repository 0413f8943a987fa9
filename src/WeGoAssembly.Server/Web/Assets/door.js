// The door screen's eyes: reads a badge's QR code from the device camera or from a photo, and hands the text to the
// page (which checks the person in through the same call as any client). The browser's own BarcodeDetector reads it
// where there is one (Android, macOS, ChromeOS); elsewhere the server reads the frame's grey levels (/door/read-qr).
window.wegoDoor = (() => {
  // Camera frames: enough for a badge held at arm's length, small enough to send several times a second. A photo is
  // read once, larger and more thoroughly.
  const frameSide = 640, photoSide = 1280;
  let detector = null;
  if ('BarcodeDetector' in window) {
    try { detector = new BarcodeDetector({ formats: ['qr_code'] }); } catch { detector = null; }
  }
  let stream = null, timer = null, page = null, lastText = '', lastAt = 0;

  function draw(source, width, height, maxSide) {
    const scale = Math.min(1, maxSide / Math.max(width, height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    return { canvas, context };
  }

  // The server's answer when it will not read for this page: the sign-in ended, or the account lost its role.
  class Refused extends Error {}

  async function read(source, width, height, photo) {
    const { canvas, context } = draw(source, width, height, photo ? photoSide : frameSide);
    if (detector) {
      try {
        const found = await detector.detect(canvas);
        return found.length > 0 ? found[0].rawValue : null;
      } catch { detector = null; }   // unsupported here after all: the server reads from now on
    }
    const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const grey = new Uint8Array(canvas.width * canvas.height);
    for (let i = 0, p = 0; p < grey.length; i += 4, p++)
      grey[p] = (rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8;
    const response = await fetch(`/door/read-qr?width=${canvas.width}&height=${canvas.height}&thorough=${photo}`,
      { method: 'POST', body: grey, headers: { 'Content-Type': 'application/octet-stream' }, credentials: 'same-origin' });
    if (response.status === 401 || response.status === 403) throw new Refused();
    if (!response.ok) throw new Error(await response.text());
    return (await response.json()).text;
  }

  // The same badge held in front of the camera is reported once, not at every frame.
  function report(text) {
    const now = Date.now();
    if (!text || (text === lastText && now - lastAt < 5000)) return;
    lastText = text; lastAt = now;
    page.invokeMethodAsync('Scanned', text);
  }

  return {
    async startCamera(video, dotnet) {
      page = dotnet;
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      video.srcObject = stream;
      try { await video.play(); } catch (e) { window.wegoDoor.stopCamera(); throw e; }
      let busy = false;
      timer = setInterval(async () => {
        if (!video.isConnected) { window.wegoDoor.stopCamera(); return; }   // the person left the page
        if (busy || video.readyState < 2) return;
        busy = true;
        try { report(await read(video, video.videoWidth, video.videoHeight, false)); }
        catch (e) {
          if (e instanceof Refused) { window.wegoDoor.stopCamera(); page.invokeMethodAsync('SignedOut'); }
          /* otherwise: the next frame */
        }
        busy = false;
      }, 300);
    },
    stopCamera() {
      clearInterval(timer); timer = null;
      stream?.getTracks().forEach(t => t.stop()); stream = null;
    },
    // A photo of the badge (the camera app's picture, or a file): read once; says when no code is in it.
    async readFile(input, dotnet) {
      page = dotnet;
      const file = input.files && input.files[0];
      if (!file) return;
      try {
        const bitmap = await createImageBitmap(file);
        const text = await read(bitmap, bitmap.width, bitmap.height, true);
        lastText = '';
        if (text) report(text); else dotnet.invokeMethodAsync('Unreadable');
      } catch (e) { dotnet.invokeMethodAsync(e instanceof Refused ? 'SignedOut' : 'Unreadable'); }
      input.value = '';
    },
  };
})();
