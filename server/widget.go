package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/engine"
)

//go:embed widget/widget.js
var widgetFiles embed.FS

// widgetScript is the web chat widget, with its gzipped copy and the hash that versions it.
type widgetScript struct {
	plain, gzipped []byte
	version        string
}

var loadWidget = sync.OnceValue(func() widgetScript {
	plain, err := widgetFiles.ReadFile("widget/widget.js")
	if err != nil {
		panic("switchboard: the widget is not embedded: " + err.Error()) // a build error
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(plain)
	_ = zw.Close()
	sum := sha256.Sum256(plain)
	return widgetScript{plain: plain, gzipped: buf.Bytes(), version: hex.EncodeToString(sum[:6])}
})

// WidgetPath is the versioned path of the web chat widget, which browsers may cache for ever.
func WidgetPath() string { return "/widget/" + loadWidget().version + "/widget.js" }

// WidgetSizes are the widget's size in bytes, as sent plain and gzipped.
func WidgetSizes() (plain, gzipped int) {
	w := loadWidget()
	return len(w.plain), len(w.gzipped)
}

func (s *Server) widgetRoutes() {
	// /widget.js is the current widget, revalidated every five minutes; the versioned path
	// never changes
	s.app.Get("/widget.js", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
		return sendWidget(c)
	})
	s.app.Get("/widget/:version/widget.js", func(c *fiber.Ctx) error {
		if c.Params("version") != loadWidget().version {
			return errorf(fiber.StatusNotFound, "not_found", "there is no widget version %q; this server serves %s", c.Params("version"), WidgetPath())
		}
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		return sendWidget(c)
	})
	s.app.Get("/demo/webchat", s.webchatDemo)
}

func sendWidget(c *fiber.Ctx) error {
	w := loadWidget()
	c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	c.Set(fiber.HeaderETag, `"`+w.version+`"`)
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	// the widget is loaded by other sites' pages
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	c.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if c.Get(fiber.HeaderIfNoneMatch) == `"`+w.version+`"` {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(w.gzipped)
	}
	return c.Send(w.plain)
}

// DemoWebchatChannel is the web chat channel the demo page talks to unless ?channel= names
// another; serve creates it on a first start.
const DemoWebchatChannel = "webchat-demo"

// demoTexts are the demo page's words, by language.
var demoTexts = map[string]map[string]string{
	"en": {"title": "Web chat demo", "intro": "This page carries the Switchboard web chat widget of channel", "open": "Open the chat with the button at the bottom right and write to the flow; an agent's answer through the agent API appears in the same panel.", "embed": "Any page can carry it with one tag, once the channel's allowed_origins setting names the page's origin:"},
	"es": {"title": "Demo del chat web", "intro": "Esta página lleva el widget de chat web de Switchboard del canal", "open": "Abrí el chat con el botón de abajo a la derecha y escribile al flujo; la respuesta de un agente por la API de agentes aparece en el mismo panel.", "embed": "Cualquier página puede llevarlo con una etiqueta, una vez que el ajuste allowed_origins del canal nombra el origen de la página:"},
	"it": {"title": "Demo della chat web", "intro": "Questa pagina contiene il widget di chat web di Switchboard del canale", "open": "Apri la chat con il pulsante in basso a destra e scrivi al flusso; la risposta di un operatore tramite l'API degli operatori compare nello stesso pannello.", "embed": "Qualsiasi pagina può contenerlo con un tag, quando l'impostazione allowed_origins del canale nomina l'origine della pagina:"},
	"fr": {"title": "Démo du chat web", "intro": "Cette page porte le widget de chat web Switchboard du canal", "open": "Ouvrez le chat avec le bouton en bas à droite et écrivez au flux ; la réponse d'un conseiller via l'API des conseillers apparaît dans le même panneau.", "embed": "N'importe quelle page peut le porter avec une balise, dès que le réglage allowed_origins du canal nomme l'origine de la page :"},
}

var demoPage = template.Must(template.New("demo").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard · {{index .T "title"}}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:.1rem .3rem}</style>
</head><body>
<h1>{{index .T "title"}}</h1>
<p>{{index .T "intro"}} <code>{{.Channel}}</code>. {{index .T "open"}}</p>
<p>{{index .T "embed"}}</p>
<pre><code>&lt;script src="{{.Origin}}{{.Widget}}" data-channel="{{.Channel}}" async&gt;&lt;/script&gt;</code></pre>
<p>
<a href="?channel={{.Channel}}&amp;lang=en" lang="en">English</a> · <a href="?channel={{.Channel}}&amp;lang=es" lang="es">Español</a> ·
<a href="?channel={{.Channel}}&amp;lang=it" lang="it">Italiano</a> · <a href="?channel={{.Channel}}&amp;lang=fr" lang="fr">Français</a></p>
<script src="{{.Widget}}" data-channel="{{.Channel}}" async></script>
</body></html>
`))

// webchatDemo serves a page that carries the widget of a web chat channel.
func (s *Server) webchatDemo(c *fiber.Ctx) error {
	channel := c.Query("channel", DemoWebchatChannel)
	if err := engine.Formats["flow-id"].Check(channel); err != nil {
		return fieldError("channel", "channel %q is not a channel id", channel)
	}
	lang := c.Query("lang", "en")
	if demoTexts[lang] == nil {
		return fieldError("lang", "lang %q: use en, es, it or fr", lang)
	}
	var buf bytes.Buffer
	if err := demoPage.Execute(&buf, map[string]any{"Channel": channel, "Lang": lang, "Widget": WidgetPath(),
		"Origin": c.Protocol() + "://" + string(c.Request().Host()), "T": demoTexts[lang]}); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Type("html", "utf-8")
	return c.Send(buf.Bytes())
}
