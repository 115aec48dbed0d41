// Switchboard web chat widget. One tag puts a launcher and a chat panel on a page:
//   <script src="https://switchboard.example/widget.js" data-channel="CHANNEL" async></script>
// It keeps the visitor's token in localStorage, streams the visitor's mailbox (server-sent
// events, resumed after the last event id; polling when streams fail) and lives in a shadow
// root, so that the page's styles do not reach it.
(() => {
  'use strict';
  const script = document.currentScript;
  const channel = script && script.dataset.channel;
  if (!channel) return;
  const origin = new URL(script.src, location.href).origin;
  const api = origin + '/webchat/' + encodeURIComponent(channel);
  const storeKey = 'switchboard.webchat.' + origin + '.' + channel;

  const words = {
    en: { open: 'Open chat', close: 'Close chat', title: 'Chat with us', greeting: 'Hi! How can we help you?', placeholder: 'Write a message…', send: 'Send', attach: 'Attach a file', log: 'Messages', you: 'You', us: 'Reply', agent: 'Agent', sending: 'Sending…', sent: 'Sent', failed: 'Not sent. Retry', offline: 'We cannot reach the chat right now; we keep trying.', tooBig: 'The file is too large: at most {n} MB.', badType: 'This kind of file cannot be sent.', slow: 'You are sending too fast; wait a moment.', file: 'File', typing: 'The agent is typing…' },
    es: { open: 'Abrir el chat', close: 'Cerrar el chat', title: 'Chateá con nosotros', greeting: '¡Hola! ¿En qué te podemos ayudar?', placeholder: 'Escribí un mensaje…', send: 'Enviar', attach: 'Adjuntar un archivo', log: 'Mensajes', you: 'Vos', us: 'Respuesta', agent: 'Agente', sending: 'Enviando…', sent: 'Enviado', failed: 'No se envió. Reintentar', offline: 'Ahora no podemos conectar con el chat; seguimos intentando.', tooBig: 'El archivo es demasiado grande: como máximo {n} MB.', badType: 'Este tipo de archivo no se puede enviar.', slow: 'Estás enviando muy rápido; esperá un momento.', file: 'Archivo', typing: 'El agente está escribiendo…' },
    it: { open: 'Apri la chat', close: 'Chiudi la chat', title: 'Scrivici', greeting: 'Ciao! Come possiamo aiutarti?', placeholder: 'Scrivi un messaggio…', send: 'Invia', attach: 'Allega un file', log: 'Messaggi', you: 'Tu', us: 'Risposta', agent: 'Operatore', sending: 'Invio…', sent: 'Inviato', failed: 'Non inviato. Riprova', offline: 'Ora non riusciamo a raggiungere la chat; continuiamo a provare.', tooBig: 'Il file è troppo grande: al massimo {n} MB.', badType: 'Questo tipo di file non si può inviare.', slow: 'Stai inviando troppo in fretta; aspetta un momento.', file: 'File', typing: 'L\'operatore sta scrivendo…' },
    fr: { open: 'Ouvrir le chat', close: 'Fermer le chat', title: 'Discutez avec nous', greeting: 'Bonjour ! Comment pouvons-nous vous aider ?', placeholder: 'Écrivez un message…', send: 'Envoyer', attach: 'Joindre un fichier', log: 'Messages', you: 'Vous', us: 'Réponse', agent: 'Conseiller', sending: 'Envoi…', sent: 'Envoyé', failed: 'Non envoyé. Réessayer', offline: 'Le chat est injoignable pour le moment ; nous réessayons.', tooBig: 'Le fichier est trop lourd : {n} Mo au plus.', badType: 'Ce type de fichier ne peut pas être envoyé.', slow: 'Vous envoyez trop vite ; patientez un instant.', file: 'Fichier', typing: 'Le conseiller est en train d\'écrire…' },
  };
  const lang = (document.documentElement.lang || navigator.language || 'en').slice(0, 2).toLowerCase();
  const t = words[lang] || words.en;

  const css = `
:host{all:initial}
*{box-sizing:border-box;font:15px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif}
.launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#1f5fbf;color:#fff;cursor:pointer;box-shadow:0 2px 10px #0004;z-index:2147483000}
.launcher svg{width:28px;height:28px;fill:currentColor}
.panel{position:fixed;right:20px;bottom:88px;width:min(360px,calc(100vw - 40px));height:min(520px,calc(100vh - 110px));display:flex;flex-direction:column;background:#fff;color:#1b1b1b;border-radius:12px;box-shadow:0 4px 24px #0005;overflow:hidden;z-index:2147483000}
.panel[hidden]{display:none}
header{display:flex;align-items:center;justify-content:space-between;padding:10px 14px;background:#1f5fbf;color:#fff}
h2{margin:0;font-weight:600;font-size:16px;color:inherit}
button{cursor:pointer}
.close{background:none;border:0;color:#fff;font-size:22px;line-height:1;padding:2px 6px}
ol{list-style:none;margin:0;padding:12px;flex:1;overflow-y:auto;display:flex;flex-direction:column;gap:8px}
li{max-width:85%;padding:8px 10px;border-radius:10px;background:#eef1f6;align-self:flex-start;white-space:pre-wrap;overflow-wrap:anywhere}
li.in{align-self:flex-end;background:#1f5fbf;color:#fff}
li.note{align-self:center;background:none;color:#555;font-size:13px;text-align:center}
.who{position:absolute;left:-9999px}
.state{display:block;font-size:12px;opacity:.8;margin-top:2px;text-align:right}
.state button{background:none;border:0;color:inherit;text-decoration:underline;padding:0}
li img{display:block;max-width:100%;max-height:200px;border-radius:6px;margin-top:4px}
li a{color:inherit}
.banner{padding:6px 12px;background:#fff4d6;color:#5c4500;font-size:13px}
.banner[hidden]{display:none}
.typing{padding:2px 14px 6px;color:#555;font-size:13px;font-style:italic}
.typing[hidden]{display:none}
form{display:flex;gap:6px;padding:8px;border-top:1px solid #ddd;align-items:flex-end}
textarea{flex:1;resize:none;min-height:38px;max-height:120px;padding:8px;border:1px solid #bbb;border-radius:8px}
.attach svg{width:18px;height:18px;fill:#444;vertical-align:middle}
.attach,.send{height:38px;border-radius:8px;border:1px solid #bbb;background:#fff;padding:0 10px}
.send{background:#1f5fbf;color:#fff;border-color:#1f5fbf}
:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
input[type=file]{position:absolute;left:-9999px}`;

  const host = document.createElement('div');
  host.setAttribute('data-switchboard-webchat', channel);
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<style>${css}</style>
<button class="launcher" type="button" aria-expanded="false" aria-controls="sb-panel"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16v12H7l-3 3z"/></svg></button>
<section class="panel" id="sb-panel" role="dialog" aria-labelledby="sb-title" hidden>
<header><h2 id="sb-title"></h2><button class="close" type="button">×</button></header>
<div class="banner" role="status" hidden></div>
<ol role="log" aria-live="polite" aria-relevant="additions"></ol>
<div class="typing" aria-live="polite" aria-atomic="true" hidden></div>
<form><input type="file" id="sb-file"><button class="attach" type="button"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z"/></svg></button><textarea rows="1"></textarea><button class="send" type="submit"></button></form>
</section>`;
  const $ = (sel) => root.querySelector(sel);
  const launcher = $('.launcher'), panel = $('.panel'), title = $('h2'), closeBtn = $('.close'), banner = $('.banner');
  const typingEl = $('.typing'), log = $('ol'), form = $('form'), input = $('textarea'), fileInput = $('#sb-file'), attach = $('.attach'), sendBtn = $('.send');
  launcher.setAttribute('aria-label', t.open);
  closeBtn.setAttribute('aria-label', t.close);
  attach.setAttribute('aria-label', t.attach);
  fileInput.setAttribute('aria-label', t.attach);
  sendBtn.textContent = t.send;
  log.setAttribute('aria-label', t.log);

  let state = {};
  try { state = JSON.parse(localStorage.getItem(storeKey) || '{}'); } catch (e) { state = {}; }
  const save = () => { try { localStorage.setItem(storeKey, JSON.stringify({ token: state.token, visitor: state.visitor })); } catch (e) { /* private mode */ } };
  let texts = {}, limits = { max_file_bytes: 2 << 20, file_types: [] }, last = 0, delivered = 0, started = null, source = null, polling = null, failures = 0;
  const shown = new Map(); // key -> li of messages shown, so that none shows twice
  let shownFor = null; // the visitor whose messages are shown
  const blobs = new Map();

  const auth = () => ({ Authorization: 'Bearer ' + state.token });
  const offline = (on) => { banner.hidden = !on; banner.textContent = on ? (texts.offline_message || t.offline) : ''; };
  const say = (text) => { const li = document.createElement('li'); li.className = 'note'; li.textContent = text; log.append(li); log.scrollTop = log.scrollHeight; };

  async function session() {
    const headers = state.token ? auth() : {};
    let res = await fetch(api + '/session', { method: 'POST', headers });
    if (res.status === 401 && state.token) { state = {}; res = await fetch(api + '/session', { method: 'POST' }); }
    if (!res.ok) throw new Error('session ' + res.status);
    const body = await res.json();
    if (body.visitor !== shownFor) { last = 0; delivered = 0; shown.clear(); log.textContent = ''; shownFor = body.visitor; } // another visitor: another conversation
    state.token = body.token; state.visitor = body.visitor; save();
    texts = body.texts || {}; limits = body.limits || limits;
    title.textContent = texts.title || t.title;
    input.placeholder = texts.placeholder || t.placeholder;
    input.setAttribute('aria-label', texts.placeholder || t.placeholder);
    say(texts.greeting || t.greeting);
  }

  async function fileURL(url) {
    if (blobs.has(url)) return blobs.get(url);
    const res = await fetch(origin + url, { headers: auth() });
    if (!res.ok) throw new Error('file ' + res.status);
    const u = URL.createObjectURL(await res.blob());
    blobs.set(url, u);
    return u;
  }

  function render(li, m, status) {
    li.className = m.direction === 'in' ? 'in' : 'out';
    li.textContent = '';
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = (m.direction === 'in' ? t.you : m.agent ? t.agent : t.us) + ': ';
    li.append(who, m.text || '');
    for (const a of m.attachments || []) {
      if (a.type === 'image') {
        const img = document.createElement('img');
        img.alt = t.file;
        fileURL(a.url).then((u) => { img.src = u; }, () => {});
        li.append(img);
      } else {
        const link = document.createElement('a');
        link.textContent = t.file;
        link.href = '#';
        link.addEventListener('click', (e) => { e.preventDefault(); fileURL(a.url).then((u) => window.open(u, '_blank', 'noopener')); });
        li.append(document.createElement('br'), link);
      }
    }
    if (status) {
      const s = document.createElement('span');
      s.className = 'state';
      s.textContent = status;
      li.append(s);
    }
    return li;
  }

  // The agent's typing: shown (and announced once) on the first typing event, kept while more
  // come, hidden on typing:false, on a reply, or after typingFor without a new event.
  const typingFor = 6000;
  let typingTimer = null;
  function typing(on) {
    clearTimeout(typingTimer);
    if (on) {
      if (typingEl.hidden) { typingEl.hidden = false; typingEl.textContent = t.typing; }
      typingTimer = setTimeout(() => typing(false), typingFor);
    } else if (!typingEl.hidden) {
      typingEl.hidden = true; typingEl.textContent = '';
    }
  }

  function show(m) {
    if (m.id > last) last = m.id;
    if (m.direction === 'out') typing(false);
    let li = shown.get(m.key);
    const fresh = !li;
    if (fresh) { li = document.createElement('li'); shown.set(m.key, li); log.append(li); }
    render(li, m, m.direction === 'in' ? t.sent : '');
    li.dataset.id = m.id;
    if (fresh || m.direction === 'out') log.scrollTop = log.scrollHeight;
    if (m.direction === 'out' && !m.delivered) ack(m.id);
  }

  let ackTimer = null;
  function ack(id) {
    delivered = Math.max(delivered, id);
    clearTimeout(ackTimer);
    ackTimer = setTimeout(() => {
      fetch(api + '/delivered', { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify({ up_to: delivered }) }).catch(() => {});
    }, 200);
  }

  async function poll() {
    let more = true;
    while (more) {
      const res = await fetch(api + '/messages?after=' + last, { headers: auth() });
      if (res.status === 401) { started = null; source = null; } // the token expired: start a new session
      if (!res.ok) throw new Error('messages ' + res.status);
      const body = await res.json();
      body.messages.forEach(show);
      more = body.more;
    }
  }

  function stream() {
    if (!window.EventSource || failures >= 3) return startPolling();
    source = new EventSource(api + '/stream?after=' + last + '&token=' + encodeURIComponent(state.token));
    source.addEventListener('open', () => { failures = 0; offline(false); });
    source.addEventListener('message', (e) => { show(JSON.parse(e.data)); });
    source.addEventListener('typing', (e) => { try { typing(JSON.parse(e.data).typing === true); } catch (err) { /* not ours */ } });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        // the server refused the stream: start again after the last message shown, or poll
        source = null;
        failures++;
        offline(true);
        setTimeout(() => start().catch(() => {}), 2000 * failures);
      }
    });
  }

  function startPolling() {
    if (polling) return;
    polling = setInterval(() => { poll().then(() => offline(false), () => offline(true)); }, 3000);
  }

  function start() {
    if (!started) {
      started = session().then(poll).then(stream).catch((e) => { started = null; offline(true); throw e; });
    } else if (!source && !polling) {
      started = poll().then(stream);
    }
    return started;
  }

  async function send(text, files, li, key) {
    key = key || (crypto.randomUUID ? crypto.randomUUID() : Date.now() + '-' + Math.random().toString(36).slice(2));
    li = li || document.createElement('li');
    if (!shown.has(key)) { shown.set(key, li); log.append(li); }
    render(li, { direction: 'in', text, attachments: files.map((f) => ({ type: f.content_type.startsWith('image/') ? 'image' : 'file', url: f.url })) }, t.sending);
    log.scrollTop = log.scrollHeight;
    try {
      const res = await fetch(api + '/messages', { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: key, text, files: files.map((f) => f.id), locale: navigator.language || '' }) });
      if (res.status === 429) say(t.slow);
      if (!res.ok) throw new Error('send ' + res.status);
      const body = await res.json();
      show(body.message);
    } catch (e) {
      const s = li.querySelector('.state');
      s.textContent = '';
      const retry = document.createElement('button');
      retry.type = 'button';
      retry.textContent = t.failed;
      retry.addEventListener('click', () => send(text, files, li, key));
      s.append(retry);
    }
  }

  async function upload(file) {
    if (limits.file_types.length && !limits.file_types.includes(file.type)) { say(t.badType); return; }
    if (file.size > limits.max_file_bytes) { say(t.tooBig.replace('{n}', String(Math.floor(limits.max_file_bytes / 1048576)))); return; }
    const res = await fetch(api + '/files?name=' + encodeURIComponent(file.name), { method: 'POST', headers: { ...auth(), 'Content-Type': file.type }, body: file });
    if (res.status === 429) { say(t.slow); return; }
    if (!res.ok) { say(t.badType); return; }
    await send('', [await res.json()]);
  }

  function open(on) {
    panel.hidden = !on;
    launcher.setAttribute('aria-expanded', String(on));
    if (on) { start().catch(() => {}); input.focus(); } else { launcher.focus(); }
  }

  launcher.addEventListener('click', () => open(panel.hidden));
  closeBtn.addEventListener('click', () => open(false));
  panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') open(false); });
  attach.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => { const f = fileInput.files[0]; fileInput.value = ''; if (f) start().then(() => upload(f)).catch(() => offline(true)); });
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); } });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    start().then(() => send(text, [])).catch(() => offline(true));
  });

  (document.body || document.documentElement).append(host);
  // a visitor who chatted before sees the conversation at once, and gets replies while away
  if (state.token) start().catch(() => {});
})();
