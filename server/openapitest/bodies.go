package openapitest

import (
	"bytes"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/switchboardhq/switchboard/server"
)

// documentURL names the document among the compiler's resources; nothing is fetched from it.
const documentURL = "https://switchboard.invalid/openapi.json"

// bodySchemas checks JSON bodies against the document's schemas, each compiled once. The
// validator kin-openapi uses for an OpenAPI 3.1 document compiles a body's schema again on
// every call, which made up most of what the API tests spent; the same JSON Schema 2020-12
// compiler, given the whole document once, resolves its references the same way.
type bodySchemas struct {
	mu       sync.Mutex
	compiler *jsonschema.Compiler
	compiled map[string]*jsonschema.Schema // by JSON pointer into the document
}

func newBodySchemas() (*bodySchemas, error) {
	raw, err := server.OpenAPIJSON()
	if err != nil {
		return nil, err
	}
	value, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(documentURL, value); err != nil {
		return nil, err
	}
	return &bodySchemas{compiler: c, compiled: map[string]*jsonschema.Schema{}}, nil
}

// schema compiles the schema at pointer once.
func (b *bodySchemas) schema(pointer string) (*jsonschema.Schema, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s, ok := b.compiled[pointer]; ok {
		return s, nil
	}
	s, err := b.compiler.Compile(documentURL + "#" + pointer)
	if err != nil {
		return nil, err
	}
	b.compiled[pointer] = s
	return s, nil
}

// check validates a JSON body against the schema at pointer.
func (b *bodySchemas) check(pointer string, body []byte) error {
	s, err := b.schema(pointer)
	if err != nil {
		return fmt.Errorf("schema %s: %w", pointer, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("the body is not JSON: %w", err)
	}
	return s.Validate(v)
}

// isJSON tells whether a media type is JSON's.
func isJSON(contentType string) (string, bool) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", false
	}
	return mt, mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// escape escapes a key for a JSON pointer.
func escape(key string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(key)
}

// contentPointer is the pointer to the schema of mediaType in content, which the pointer at
// owner holds (or its $ref, when owner is a reference); "" when content has no schema for it.
func contentPointer(owner string, ref string, content openapi3.Content, mediaType string) string {
	if ref != "" {
		owner = strings.TrimPrefix(ref, "#")
	}
	for _, key := range []string{mediaType, strings.SplitN(mediaType, "/", 2)[0] + "/*", "*/*"} {
		if mt, ok := content[key]; ok {
			if mt == nil || mt.Schema == nil {
				return ""
			}
			return owner + "/content/" + escape(key) + "/schema"
		}
	}
	return ""
}

// operationPointer is the pointer to a route's operation in the document.
func operationPointer(route *routers.Route) string {
	return "/paths/" + escape(route.Path) + "/" + strings.ToLower(route.Method)
}

// requestBodyPointer is the pointer to the schema of a request body of mediaType; "" when the
// operation documents none.
func requestBodyPointer(route *routers.Route, mediaType string) string {
	rb := route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return ""
	}
	return contentPointer(operationPointer(route)+"/requestBody", rb.Ref, rb.Value.Content, mediaType)
}

// responseBodyPointer is the pointer to the schema of a response of status and mediaType, as
// kin-openapi picks the response: the status, its range (2XX), then default.
func responseBodyPointer(route *routers.Route, status int, mediaType string) string {
	responses := route.Operation.Responses
	if responses == nil {
		return ""
	}
	for _, key := range []string{strconv.Itoa(status), strconv.Itoa(status/100) + "XX", "default"} {
		r := responses.Value(key)
		if r == nil {
			continue
		}
		if r.Value == nil {
			return ""
		}
		return contentPointer(operationPointer(route)+"/responses/"+escape(key), r.Ref, r.Value.Content, mediaType)
	}
	return ""
}
