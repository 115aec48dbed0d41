package openapitest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/switchboardhq/switchboard/server"
)

var rawOfferRef = regexp.MustCompile(`^(/api/v1/agent/offers/)(.+/.+)(/(?:accept|reject))$`)

// Spec is the loaded and validated document, with a router that finds its operations.
type Spec struct {
	Doc    *openapi3.T
	Router routers.Router
	bodies *bodySchemas
}

// Load returns the server's document, loaded and validated once.
var Load = sync.OnceValues(func() (*Spec, error) {
	// The flow schema's media type is JSON.
	openapi3filter.RegisterBodyDecoder("application/schema+json", openapi3filter.JSONBodyDecoder)
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(server.OpenAPIDocument())
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("router: %w", err)
	}
	bodies, err := newBodySchemas()
	if err != nil {
		return nil, fmt.Errorf("body schemas: %w", err)
	}
	return &Spec{Doc: doc, Router: router, bodies: bodies}, nil
})

// Check checks a call against the document: the answer's status and body must be documented
// for the operation, and a request the server took (2xx) must be one the document describes.
// sent is the request's body. Calls outside /api/v1 are not checked, but for /healthz; a call
// to an undocumented route must be a 404.
func (s *Spec) Check(req *http.Request, sent []byte, resp *http.Response, body []byte) error {
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") && req.URL.Path != "/healthz" {
		return nil
	}
	vreq := req.Clone(context.Background())
	vreq.Body = io.NopCloser(bytes.NewReader(sent))
	if m := rawOfferRef.FindStringSubmatch(vreq.URL.Path); m != nil {
		// an offer's ref may be sent with its "/" as is, which a path template cannot say
		vreq.URL.Path = m[1] + strings.ReplaceAll(m[2], "/", "%2F") + m[3]
		vreq.URL.RawPath = vreq.URL.Path
	}
	route, params, err := s.Router.FindRoute(vreq)
	if err != nil {
		if resp.StatusCode == http.StatusNotFound {
			return nil
		}
		return fmt.Errorf("no operation: %w", err)
	}
	// JSON bodies are checked against schemas compiled once (bodies.go); kin-openapi checks the
	// rest: parameters, statuses, headers, media types and bodies of other types.
	reqType, reqJSON := isJSON(req.Header.Get("Content-Type"))
	reqSchema := ""
	if reqJSON && len(sent) > 0 {
		reqSchema = requestBodyPointer(route, reqType)
	}
	respType, respJSON := isJSON(resp.Header.Get("Content-Type"))
	respSchema := ""
	if respJSON && len(body) > 0 {
		respSchema = responseBodyPointer(route, resp.StatusCode, respType)
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true,
		ExcludeRequestBody: reqSchema != "", ExcludeResponseBody: respSchema != ""}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			return fmt.Errorf("the request the server took: %w", err)
		}
		if reqSchema != "" {
			if err := s.bodies.check(reqSchema, sent); err != nil {
				return fmt.Errorf("the request the server took: body: %w", err)
			}
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(body)), Options: opts}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("the response: %w", err)
	}
	if respSchema != "" {
		if err := s.bodies.check(respSchema, body); err != nil {
			return fmt.Errorf("the response: body: %w", err)
		}
	}
	return nil
}
