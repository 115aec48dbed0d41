package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/store"
)

// apiError is an error the API answers with: {"error": {"code", "message", "field"}}.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field names the request field that is wrong, for validation errors.
	Field string `json:"field,omitempty"`
	// Extra carries more detail beside "error" (the diagnostics of a flow, the current draft).
	Extra map[string]any `json:"-"`
}

func (e *apiError) Error() string { return e.Message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// fieldError reports a bad request field (400, code invalid).
func fieldError(field, format string, args ...any) *apiError {
	e := errorf(fiber.StatusBadRequest, "invalid", format, args...)
	e.Field = field
	return e
}

// handleError turns any error a handler returns into the API's JSON error.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	var ae *apiError
	var fe *fiber.Error
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, store.ErrNotFound):
		ae = errorf(fiber.StatusNotFound, "not_found", "%v", err)
	case errors.Is(err, store.ErrExists):
		ae = errorf(fiber.StatusConflict, "exists", "%v", err)
	case errors.Is(err, store.ErrStale):
		ae = errorf(fiber.StatusConflict, "conflict", "%v", err)
	case errors.Is(err, store.ErrInUse):
		ae = errorf(fiber.StatusConflict, "in_use", "%v", err)
	case errors.Is(err, store.ErrInvalid):
		ae = errorf(fiber.StatusBadRequest, "invalid", "%v", err)
	case errors.As(err, &fe):
		ae = fiberError(fe)
	default:
		s.log.ErrorContext(c.UserContext(), "request failed", "method", c.Method(), "path", c.Path(), "err", err)
		ae = errorf(fiber.StatusInternalServerError, "internal", "the server could not do this; the log says why")
	}
	body := fiber.Map{"error": ae}
	for k, v := range ae.Extra {
		body[k] = v
	}
	return c.Status(ae.Status).JSON(body)
}

func fiberError(fe *fiber.Error) *apiError {
	switch fe.Code {
	case fiber.StatusRequestEntityTooLarge:
		return errorf(fe.Code, "too_large", "the request body is larger than the server takes")
	case fiber.StatusNotFound:
		return errorf(fe.Code, "not_found", "not found")
	case fiber.StatusMethodNotAllowed:
		return errorf(fe.Code, "method_not_allowed", "%s", fe.Message)
	case fiber.StatusUnprocessableEntity, fiber.StatusBadRequest:
		return errorf(fe.Code, "invalid", "%s", fe.Message)
	}
	return errorf(fe.Code, "error", "%s", fe.Message)
}

// recoverPanics answers 500 for a handler that panics, and logs the stack.
func (s *Server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.ErrorContext(c.UserContext(), "panic in a handler", "method", c.Method(), "path", c.Path(), "panic", r, "stack", string(debug.Stack()))
			err = errorf(fiber.StatusInternalServerError, "internal", "the server could not do this; the log says why")
		}
	}()
	return c.Next()
}

// decodeJSON reads a JSON request body strictly, naming the field that is wrong.
func decodeJSON(c *fiber.Ctx, v any) error {
	if len(c.Body()) == 0 {
		return errorf(fiber.StatusBadRequest, "invalid", "the request needs a JSON body")
	}
	if string(bytes.TrimSpace(c.Body())) == "null" {
		return errorf(fiber.StatusBadRequest, "invalid", "the body must be a JSON object, not null")
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return errorf(fiber.StatusBadRequest, "invalid", "the body holds more than one JSON value")
		}
		return nil
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return fieldError(te.Field, "%s must be %s, not a JSON %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
	case errors.As(err, &se):
		return errorf(fiber.StatusBadRequest, "invalid", "the body is not valid JSON (at byte %d): %v", se.Offset, err)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return fieldError(name, "there is no field %q here", name)
	}
	return errorf(fiber.StatusBadRequest, "invalid", "the body is not the JSON expected: %v", err)
}

func jsonKind(kind string) string {
	switch kind {
	case "string":
		return "text"
	case "bool":
		return "true or false"
	case "int", "int64", "float64":
		return "a number"
	case "slice":
		return "a list"
	case "map", "struct", "ptr":
		return "an object"
	}
	return kind
}
