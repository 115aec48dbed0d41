package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp/fasthttpadaptor"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/flows"
)

// Routes match the raw path: an encoded "/" (%2F) stays inside its segment, and param decodes
// the segment afterwards. checkRequest then checks what every API request must be, once, before
// its handler: path parameters of the right form, a body of a media type the operation takes,
// valid UTF-8, and every enumeration the OpenAPI document declares for the operation's query
// parameters and body fields.

// param returns a path parameter, decoded.
func param(c *fiber.Ctx, name string) string {
	raw := c.Params(name)
	v, err := url.PathUnescape(raw)
	if err != nil {
		return raw
	}
	return v
}

// pathRule checks the form of a path parameter, named by the collection it is a member of.
type pathRule func(value string) error

var (
	idRule = func(what, example string) pathRule {
		return func(v string) error { return checkID(what, example, v) }
	}
	formatRule = func(format string) pathRule {
		return func(v string) error { return engine.Formats[format].Check(v) }
	}
	// keyRule is the form of ids the server makes (conv_…, c_…, t_…).
	keyRule = func(what string) pathRule {
		return func(v string) error {
			for _, r := range v {
				if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:", r)) {
					return fmt.Errorf("%s %q must be letters, digits, -, _, . and : only", what, v)
				}
			}
			if len(v) == 0 || len(v) > 128 {
				return fmt.Errorf("%s %q must be 1 to 128 characters long", what, v)
			}
			return nil
		}
	}
)

// checkID checks the form of the ids and names admins choose: flows, channels, agents, calendars.
func checkID(what, example, v string) error {
	if !flows.IDPattern.MatchString(v) {
		return fmt.Errorf("%s %q must be 1 to 64 lower case letters, digits, - and _, starting with a letter or digit, like %s", what, v, example)
	}
	return nil
}

// pathRules are the forms of path parameters: "collection/:parameter" → rule.
var pathRules = map[string]pathRule{
	"flows/:id":         idRule("flow id", "facebook-care"),
	"channels/:id":      idRule("channel id", "acme-page"),
	"agents/:id":        idRule("agent id", "ana"),
	"calendars/:name":   idRule("calendar name", "support-hours"),
	"skills/:name":      formatRule("skill"),
	"emergency/:name":   formatRule("switch-name"),
	"contacts/:id":      keyRule("contact id"),
	"tokens/:id":        keyRule("token id"),
	"conversations/:id": keyRule("conversation id"),
	"files/:file":       keyRule("file id"),
	"retry/:item": func(v string) error {
		if n, err := strconv.ParseInt(v, 10, 64); err != nil || n <= 0 {
			return fmt.Errorf("item %q is not the id of an interaction", v)
		}
		return nil
	},
	"canned-responses/:id": keyRule("canned response id"),
	"versions/:version": func(v string) error {
		for _, r := range v {
			if r < '0' || r > '9' {
				return fmt.Errorf("%q is not a version number", v)
			}
		}
		return nil
	},
	// an offer's ref is session/wait: the greedy segment takes its "/"
	"offers/+": func(string) error { return nil },
}

// checkParams answers 400 for a path parameter that is not of its form, naming it.
func checkParams(c *fiber.Ctx) error {
	route := c.Route()
	segments := strings.Split(route.Path, "/")
	for i := 1; i < len(segments); i++ {
		seg := segments[i]
		if !strings.HasPrefix(seg, ":") && seg != "+" {
			continue
		}
		name := strings.TrimPrefix(seg, ":")
		raw := c.Params(name)
		v, err := url.PathUnescape(raw)
		if err != nil {
			return fieldError(name, "%s %q is not percent-encoded correctly", name, raw)
		}
		rule, ok := pathRules[segments[i-1]+"/"+seg]
		if !ok {
			// a route without a rule is a programmer's error, caught by the tests
			return fmt.Errorf("no rule for the path parameter %s of %s", name, route.Path)
		}
		if err := rule(v); err != nil {
			return fieldError(name, "%v", err)
		}
	}
	return nil
}

// checkBody answers 415 for a body of a media type the operation does not take (those its
// request body lists in the document), and 400 for one that is not valid UTF-8. It returns
// whether the body is JSON.
func checkBody(c *fiber.Ctx, op *openapi3.Operation) (isJSON bool, err error) {
	body := c.Body()
	if len(body) == 0 || op.RequestBody == nil || op.RequestBody.Value == nil {
		return false, nil
	}
	header := c.Get(fiber.HeaderContentType)
	media, _, perr := mime.ParseMediaType(header)
	if perr != nil {
		media = ""
	}
	media = strings.ToLower(media)
	isJSON = media == "application/json" || strings.HasSuffix(media, "+json")
	takes := slices.Sorted(maps.Keys(op.RequestBody.Value.Content))
	if !isJSON && !slices.Contains(takes, media) {
		if header == "" {
			header = "none"
		}
		return false, errorf(fiber.StatusUnsupportedMediaType, "unsupported_media_type",
			"the body's Content-Type is %s; send %s", header, strings.Join(takes, " or "))
	}
	// a multipart body carries files: bytes, not text
	if !utf8.Valid(body) && media != "multipart/form-data" {
		at := 0
		for at < len(body) {
			r, size := utf8.DecodeRune(body[at:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			at += size
		}
		return false, errorf(fiber.StatusBadRequest, "invalid", "the body is not valid UTF-8 (at byte %d); send text in UTF-8", at)
	}
	return isJSON, nil
}

// contract is the OpenAPI document the server checks requests against, with each route's
// operation.
type contract struct {
	doc        *openapi3.T
	operations map[string]*routers.Route // by fiber method and path
}

// loadContract reads the embedded document and finds the operation of every route of app.
func loadContract(app *fiber.App) (*contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	k := &contract{doc: doc, operations: map[string]*routers.Route{}}
	for _, r := range app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		method := r.Method
		if method == fiber.MethodHead {
			method = fiber.MethodGet
		}
		for path, item := range doc.Paths.Map() {
			op := item.GetOperation(method)
			if op == nil || !samePath(r.Path, path) {
				continue
			}
			k.operations[r.Method+" "+r.Path] = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	return k, nil
}

// operation is the document's operation of the request's route; nil for routes outside it.
func (k *contract) operation(c *fiber.Ctx) *routers.Route {
	return k.operations[c.Method()+" "+c.Route().Path]
}

// samePath tells whether a fiber path (:id, +) and a document's path ({id}) are the same.
func samePath(fiberPath, docPath string) bool {
	a, b := strings.Split(fiberPath, "/"), strings.Split(docPath, "/")
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		param := strings.HasPrefix(a[i], ":") || a[i] == "+"
		if param != strings.HasPrefix(b[i], "{") || !param && a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkEnums answers 400 for a query parameter or a JSON body field whose value is not one
// of those the document allows, naming the field and the values. Other departures from the
// document are left to the handlers, which explain them in their own words.
func checkEnums(c *fiber.Ctx, route *routers.Route, isJSON bool) error {
	var req http.Request
	if err := fasthttpadaptor.ConvertRequest(c.Context(), &req, true); err != nil {
		return nil
	}
	req.Body = http.NoBody
	if isJSON {
		req.Body = readCloser{bytes.NewReader(c.Body())}
	}
	params := map[string]string{}
	for _, name := range c.Route().Params {
		params[name] = param(c, name)
	}
	in := &openapi3filter.RequestValidationInput{Request: &req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			SkipSettingDefaults: true, ExcludeRequestBody: !isJSON}}
	err := openapi3filter.ValidateRequest(context.Background(), in)
	if err == nil {
		return nil
	}
	if bad := firstEnumError(err, "", nil); bad != nil {
		return bad
	}
	return nil
}

type readCloser struct{ io.Reader }

func (readCloser) Close() error { return nil }

// firstEnumError finds a value outside an enumeration among the errors of a validation; the
// field is the parameter or body field, and schema the parameter's or the body's schema.
func firstEnumError(err error, field string, schema *openapi3.Schema) *apiError {
	// each layer is looked at in turn: errors.As would skip a request error for what it wraps
	var se *openapi3.SchemaError
	switch e := err.(type) {
	case nil:
		return nil
	case openapi3.MultiError:
		for _, one := range e {
			if bad := firstEnumError(one, field, schema); bad != nil {
				return bad
			}
		}
		return nil
	case *openapi3filter.RequestError:
		if p := e.Parameter; p != nil && p.Schema != nil {
			field, schema = p.Name, p.Schema.Value
		}
		if b := e.RequestBody; b != nil {
			if media := b.Content.Get("application/json"); media != nil && media.Schema != nil {
				schema = media.Schema.Value
			}
		}
		return firstEnumError(e.Err, field, schema)
	case *openapi3.SchemaError:
		se = e
	default:
		return firstEnumError(errors.Unwrap(err), field, schema)
	}
	if se.SchemaField != "enum" {
		return firstEnumError(se.Origin, field, schema)
	}
	pointer := se.JSONPointer()
	if len(pointer) > 0 {
		field = fieldPath(pointer)
	}
	enum := schemaAt(schema, pointer)
	if enum == nil {
		return nil
	}
	var allowed []string
	optional := false
	for _, v := range enum.Enum {
		if v == "" {
			optional = true
			continue
		}
		allowed = append(allowed, fmt.Sprint(v))
	}
	or := ""
	if optional {
		or = " (or leave it out)"
	}
	hint := ""
	if v, ok := se.Value.(string); ok {
		if sug := flows.Suggest(v, allowed); sug != "" {
			hint = fmt.Sprintf("; did you mean %q?", sug)
		}
	}
	return fieldError(field, "%s %s is not one of %s%s%s", field, quoteValue(se.Value), strings.Join(allowed, ", "), or, hint)
}

// fieldPath writes a JSON pointer as the API names fields: settings.distribution[1].
func fieldPath(pointer []string) string {
	var b strings.Builder
	for _, key := range pointer {
		if _, err := strconv.Atoi(key); err == nil && b.Len() > 0 {
			b.WriteString("[" + key + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(key)
	}
	return b.String()
}

// schemaAt follows a JSON pointer of a value down its schema, to the schema with the enum.
func schemaAt(s *openapi3.Schema, pointer []string) *openapi3.Schema {
	for _, key := range pointer {
		if s == nil {
			return nil
		}
		switch {
		case s.Properties[key] != nil:
			s = s.Properties[key].Value
		case s.Items != nil:
			s = s.Items.Value
		case s.AdditionalProperties.Schema != nil:
			s = s.AdditionalProperties.Schema.Value
		default:
			return nil
		}
	}
	if s == nil || len(s.Enum) == 0 {
		return nil
	}
	return s
}

func quoteValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

// checkRequest runs after authorization on every API route: path parameters, then, for an
// operation that takes a body, its media type and encoding, then the document's enumerations.
func (s *Server) checkRequest(c *fiber.Ctx) error {
	if err := checkParams(c); err != nil {
		return err
	}
	if route := s.contract.operation(c); route != nil {
		isJSON, err := checkBody(c, route.Operation)
		if err != nil {
			return err
		}
		if err := checkEnums(c, route, isJSON); err != nil {
			return err
		}
	}
	return c.Next()
}
