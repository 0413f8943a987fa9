// The door screen's eyes: reads a badge's QR code from the device camera or from a photo, and hands the text to the
// page (which checks the person in through the same call as any client). The browser's own BarcodeDetector reads it
// where there is one (Android, macOS, ChromeOS); elsewhere the server reads the frame's grey levels (/door/read-qr).
window.wegoDoor = (() => {
  const maxSide = 960;   // enough for a badge held at arm's length, small enough to send several times a second
  let detector = null;
  if ('BarcodeDetector' in window) {
    try { detector = new BarcodeDetector({ formats: ['qr_code'] }); } catch { detector = null; }
  }
  let stream = null, timer = null, page = null, lastText = '', lastAt = 0;

  function draw(source, width, height) {
    const scale = Math.min(1, maxSide / Math.max(width, height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    return { canvas, context };
  }

  async function read(source, width, height) {
    const { canvas, context } = draw(source, width, height);
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
    const response = await fetch(`/door/read-qr?width=${canvas.width}&height=${canvas.height}`,
      { method: 'POST', body: grey, headers: { 'Content-Type': 'application/octet-stream' }, credentials: 'same-origin' });
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
      await video.play();
      let busy = false;
      timer = setInterval(async () => {
        if (!video.isConnected) { window.wegoDoor.stopCamera(); return; }   // the person left the page
        if (busy || video.readyState < 2) return;
        busy = true;
        try { report(await read(video, video.videoWidth, video.videoHeight)); } catch { /* next frame */ }
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
        const text = await read(bitmap, bitmap.width, bitmap.height);
        lastText = '';
        if (text) report(text); else dotnet.invokeMethodAsync('Unreadable');
      } catch { dotnet.invokeMethodAsync('Unreadable'); }
      input.value = '';
    },
  };
})();
