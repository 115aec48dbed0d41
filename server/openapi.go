package server

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"sync"

	"github.com/gofiber/fiber/v2"
	"go.yaml.in/yaml/v3"
)

// openAPIYAML is the OpenAPI document of /api/v1; a test keeps it true to the routes.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPIDocument returns the OpenAPI document of /api/v1, as YAML.
func OpenAPIDocument() []byte { return bytes.Clone(openAPIYAML) }

// OpenAPIJSON returns the same document as JSON, as GET /api/v1/openapi.json serves it.
func OpenAPIJSON() ([]byte, error) {
	doc, err := openAPIJSON()
	return bytes.Clone(doc), err
}

var openAPIJSON = sync.OnceValues(func() ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(openAPIYAML, &doc); err != nil {
		return nil, err
	}
	return json.MarshalIndent(doc, "", "  ")
})

func (s *Server) openAPI(c *fiber.Ctx) error {
	doc, err := openAPIJSON()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(doc)
}
