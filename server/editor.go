package server

import (
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// placeholderPage is served at / while the editor is not built.
const placeholderPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Switchboard</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:.1rem .3rem}</style>
</head><body>
<h1>Switchboard is running</h1>
<p>The editor's files are not built into this binary. Build them with <code>make build</code>
(it needs Node.js 20 and npm), then start the server again.</p>
<p>The API is at <a href="/api/v1/openapi.json"><code>/api/v1</code></a>; health at
<a href="/healthz"><code>/healthz</code></a> and <a href="/readyz"><code>/readyz</code></a>.</p>
</body></html>
`

// editorRoutes serve the editor's files: hashed assets with long cache lifetimes, precompressed
// copies (.br, .gz) to clients that take them, index.html for every other path the editor's
// router owns, and never a directory listing.
func (s *Server) editorRoutes() {
	s.app.Get("/*", func(c *fiber.Ctx) error {
		p := strings.TrimPrefix(path.Clean("/"+c.Params("*")), "/")
		if reserved(p) {
			return errorf(fiber.StatusNotFound, "not_found", "not found")
		}
		if s.cfg.Editor == nil {
			c.Set(fiber.HeaderCacheControl, "no-cache")
			c.Type("html", "utf-8")
			return c.SendString(placeholderPage)
		}
		if p != "" && p != "index.html" {
			if info, err := fs.Stat(s.cfg.Editor, p); err == nil && !info.IsDir() {
				if strings.HasPrefix(p, "assets/") {
					c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
				} else {
					c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
				}
				return s.sendEditorFile(c, p)
			}
			if path.Ext(p) != "" && strings.HasPrefix(p, "assets/") {
				return errorf(fiber.StatusNotFound, "not_found", "there is no file %s", p)
			}
		}
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return s.sendEditorFile(c, "index.html")
	})
}

// reserved paths never fall back to the editor's index.
func reserved(p string) bool {
	for _, prefix := range []string{"api/", "webhooks/", "agent/", "webchat/", "widget/", "demo/"} {
		if strings.HasPrefix(p, prefix) || p+"/" == prefix {
			return true
		}
	}
	return false
}

// sendEditorFile sends a file, or its precompressed copy when the client accepts it.
func (s *Server) sendEditorFile(c *fiber.Ctx, name string) error {
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = fiber.MIMEOctetStream
	}
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	accept := c.Get(fiber.HeaderAcceptEncoding)
	for _, enc := range []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if !strings.Contains(accept, enc.name) {
			continue
		}
		if data, err := fs.ReadFile(s.cfg.Editor, name+enc.ext); err == nil {
			c.Set(fiber.HeaderContentEncoding, enc.name)
			c.Set(fiber.HeaderContentType, ctype)
			return c.Send(data)
		}
	}
	data, err := fs.ReadFile(s.cfg.Editor, name)
	if err != nil {
		return errorf(fiber.StatusNotFound, "not_found", "there is no file %s", name)
	}
	c.Set(fiber.HeaderContentType, ctype)
	return c.Send(data)
}
