package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/dispatch"
	"github.com/switchboardhq/switchboard/flows"
	"github.com/switchboardhq/switchboard/store"
)

// flowBody is a flow as the API shows it: the stored draft, and its diagnostics.
type flowBody struct {
	store.Flow
	Diagnostics flows.Diagnostics `json:"diagnostics"`
}

// flowSummary is a flow in a list: no source.
type flowSummary struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Description   string `json:"description"`
	Format        string `json:"format"`
	Revision      int64  `json:"revision"`
	LatestVersion int    `json:"latest_version"`
	UpdatedAt     string `json:"updated_at"`
	UpdatedBy     string `json:"updated_by"`
	// Triggers are the channel types the flow has a trigger for: those a channel of the type
	// may take it as its default flow.
	Triggers []string `json:"triggers"`
}

// sourceRequest carries a flow's text.
type sourceRequest struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Source      string `json:"source"`
	// Format is yaml or json; guessed from the source when empty.
	Format string `json:"format"`
}

func etag(revision int64) string { return `"` + strconv.FormatInt(revision, 10) + `"` }

// ifMatch reads the revision an If-Match header names; 0 when absent.
func ifMatch(c *fiber.Ctx) (int64, error) {
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 64)
	if err != nil || n <= 0 {
		return 0, fieldError("If-Match", "If-Match %q is not an ETag of this API; send the ETag the flow was read with", h)
	}
	return n, nil
}

// formatOf returns the declared format, or guesses it from the text.
func formatOf(declared, source string) (string, error) {
	switch declared {
	case "yaml", "json":
		return declared, nil
	case "":
		if strings.HasPrefix(strings.TrimSpace(source), "{") {
			return "json", nil
		}
		return "yaml", nil
	}
	return "", fieldError("format", "format %q: use yaml or json", declared)
}

// withDiagnostics validates a draft for the answer, with warnings for the skills, calendars,
// switches and flows it names that do not exist.
func (s *Server) withDiagnostics(ctx context.Context, f store.Flow) flowBody {
	v, err := s.validation(ctx, dispatch.SourceName(f.ID, f.Format), f.Source, flows.Warning)
	if err != nil {
		// the draft is saved either way; only the warnings about names are missing
		s.log.WarnContext(ctx, "check the names a flow gives", "flow", f.ID, "err", err)
	}
	return flowBody{Flow: f, Diagnostics: v.Diagnostics}
}

func nonNil(d flows.Diagnostics) flows.Diagnostics {
	if d == nil {
		return flows.Diagnostics{}
	}
	return d
}

func (s *Server) listFlows(c *fiber.Ctx) error {
	fs, err := s.cfg.Store.FlowList(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]flowSummary, len(fs))
	for i, f := range fs {
		triggers, err := s.flowTriggers(c.UserContext(), f)
		if err != nil {
			return err
		}
		out[i] = flowSummary{ID: f.ID, Name: f.Name, Description: f.Description, Format: f.Format, Revision: f.Revision,
			LatestVersion: f.LatestVersion, UpdatedAt: f.UpdatedAt.Format(timeFormat), UpdatedBy: f.UpdatedBy, Triggers: triggers}
	}
	return c.JSON(out)
}

const timeFormat = "2006-01-02T15:04:05.000000Z07:00"

// flowWithContent is an unchecked draft with its content as JSON, for the editor to draw the
// flow before it has read the source itself.
type flowWithContent struct {
	store.Flow
	Content json.RawMessage `json:"content,omitempty"`
}

func (s *Server) getFlow(c *fiber.Ctx) error {
	check, err := boolQuery(c, "diagnostics", true)
	if err != nil {
		return err
	}
	content, err := boolQuery(c, "content", false)
	if err != nil {
		return err
	}
	if check && content {
		return fieldError("content", "content=true is answered with diagnostics=false only")
	}
	f, err := s.cfg.Store.FlowGet(c.UserContext(), param(c, "id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(f.Revision))
	if content {
		// the editor paints a large flow from its content while it reads the source; a draft
		// that cannot be read has none, and the editor reads its source alone
		out := flowWithContent{Flow: f}
		out.Content = flows.ContentJSON(dispatch.SourceName(f.ID, f.Format), []byte(f.Source))
		return c.JSON(out)
	}
	if !check {
		// the editor opens a large flow without waiting for its check, which it asks for apart
		return c.JSON(f)
	}
	return c.JSON(s.withDiagnostics(c.UserContext(), f))
}

// boolQuery reads a query parameter that is true or false, or absent (def).
func boolQuery(c *fiber.Ctx, name string, def bool) (bool, error) {
	switch q := c.Query(name); q {
	case "":
		return def, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	default:
		return false, fieldError(name, "%s %q: use true or false", name, q)
	}
}

// newFlowSource is the draft of a flow created by id and name alone: a web chat trigger to
// start drawing from.
func newFlowSource(id, name, description string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "switchboard: %d\nid: %s\nname: %s\n", flows.FormatVersion, id, yamlString(name))
	if description != "" {
		fmt.Fprintf(&b, "description: %s\n", yamlString(description))
	}
	b.WriteString("blocks:\n  start:\n    type: webchat.trigger\n    ui: {x: 40, \"y\": 200}\n")
	return b.String()
}

func yamlString(s string) string { return strconv.Quote(s) }

func (s *Server) createFlow(c *fiber.Ctx) error {
	var req sourceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Source == "" {
		if req.ID == "" {
			return fieldError("id", "give the new flow an id, or its whole source")
		}
		if err := checkID("flow id", "facebook-care", req.ID); err != nil {
			return fieldError("id", "%v", err)
		}
		name := req.Name
		if name == "" {
			name = req.ID
		}
		req.Source, req.Format = newFlowSource(req.ID, name, req.Description), "yaml"
	}
	f, err := s.draftFromSource(req, "")
	if err != nil {
		return err
	}
	created, err := s.cfg.Store.FlowCreate(c.UserContext(), f, by(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/flows/"+created.ID)
	c.Set(fiber.HeaderETag, etag(created.Revision))
	return c.Status(fiber.StatusCreated).JSON(s.withDiagnostics(c.UserContext(), created))
}

// draftFromSource reads what a draft needs from its text: the id (which must be the flow's,
// when the flow is known), the name and description. A draft may have errors; only its id must
// be readable.
func (s *Server) draftFromSource(req sourceRequest, id string) (store.Flow, error) {
	format, err := formatOf(req.Format, req.Source)
	if err != nil {
		return store.Flow{}, err
	}
	if req.Source == "" {
		return store.Flow{}, fieldError("source", "the flow's source is empty")
	}
	name := "draft.yaml"
	if format == "json" {
		name = "draft.json"
	}
	doc, diags := flows.Parse(name, []byte(req.Source))
	switch {
	case doc == nil || doc.ID == "":
		e := fieldError("source", "the source has no readable flow id; fix it and send it again")
		e.Extra = map[string]any{"diagnostics": nonNil(diags)}
		return store.Flow{}, e
	case id != "" && doc.ID != id:
		return store.Flow{}, fieldError("source", "the source's id is %q, but this is flow %q; a flow's id cannot change", doc.ID, id)
	}
	if err := checkID("flow id", "facebook-care", doc.ID); err != nil {
		return store.Flow{}, fieldError("source", "%v", err)
	}
	return store.Flow{ID: doc.ID, Name: firstNonEmpty(doc.Name, req.Name, doc.ID), Description: doc.Description,
		Source: req.Source, Format: format}, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func (s *Server) updateFlow(c *fiber.Ctx) error {
	id := param(c, "id")
	rev, err := ifMatch(c)
	if err != nil {
		return err
	}
	if rev == 0 {
		return errorf(fiber.StatusPreconditionRequired, "precondition_required",
			"send the ETag the draft was read with in If-Match, so that nobody's changes are overwritten")
	}
	var req sourceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	f, err := s.draftFromSource(req, id)
	if err != nil {
		return err
	}
	updated, err := s.cfg.Store.FlowUpdateDraft(c.UserContext(), store.FlowUpdateParams{
		ID: id, Name: f.Name, Description: f.Description, Source: f.Source, Format: f.Format, IfRevision: rev, By: by(c)})
	if errors.Is(err, store.ErrStale) {
		return s.conflict(c.UserContext(), updated, f)
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag(updated.Revision))
	return c.JSON(s.withDiagnostics(c.UserContext(), updated))
}

// conflict answers a stale write: who saved the draft meanwhile, and which blocks differ
// between their draft and the one sent.
func (s *Server) conflict(ctx context.Context, current, sent store.Flow) error {
	e := errorf(fiber.StatusConflict, "conflict", "%s saved this draft at %s (revision %d) after you read it; your changes were not saved",
		current.UpdatedBy, current.UpdatedAt.Format(timeFormat), current.Revision)
	extra := map[string]any{"current": s.withDiagnostics(ctx, current)}
	a, _ := flows.Parse(dispatch.SourceName(current.ID, current.Format), []byte(current.Source))
	b, _ := flows.Parse(dispatch.SourceName(sent.ID, sent.Format), []byte(sent.Source))
	if a != nil && b != nil {
		d := flows.DiffDocuments(a, b)
		extra["differences"] = d
		if !d.Empty() {
			e.Message += fmt.Sprintf("; yours differs in %s", describeDiff(d))
		}
	}
	e.Extra = extra
	return e
}

func describeDiff(d flows.Diff) string {
	var parts []string
	if len(d.Added) > 0 {
		parts = append(parts, "added "+strings.Join(d.Added, ", "))
	}
	if len(d.Removed) > 0 {
		parts = append(parts, "removed "+strings.Join(d.Removed, ", "))
	}
	if len(d.Changed) > 0 {
		ids := make([]string, len(d.Changed))
		for i, ch := range d.Changed {
			ids[i] = ch.ID
		}
		parts = append(parts, "changed "+strings.Join(ids, ", "))
	}
	if len(d.Meta) > 0 {
		parts = append(parts, strings.Join(d.Meta, ", "))
	}
	return strings.Join(parts, "; ")
}

func (s *Server) deleteFlow(c *fiber.Ctx) error {
	id := param(c, "id")
	if err := s.cfg.Store.FlowDelete(c.UserContext(), id, by(c)); err != nil {
		return err
	}
	s.flows.Forget(id)
	return c.SendStatus(fiber.StatusNoContent)
}

// validateRequest validates text that may not be saved yet.
type validateRequest struct {
	Source string `json:"source"`
	Format string `json:"format"`
}

type validateResponse struct {
	Valid       bool              `json:"valid"`
	Errors      int               `json:"errors"`
	Warnings    int               `json:"warnings"`
	Diagnostics flows.Diagnostics `json:"diagnostics"`
}

// validation validates a flow's text, and checks the skills, calendars, switches and flows it
// names against the store: refs is the severity of those that do not exist (a warning for a
// draft, an error on publish). When the store cannot say, the flow's own diagnostics come
// back with the error.
func (s *Server) validation(ctx context.Context, name, source string, refs flows.Severity) (validateResponse, error) {
	d := flows.Validate(name, []byte(source), s.cfg.Registry)
	more, err := flows.CheckReferences(name, []byte(source), s.cfg.Registry, storeReferences{ctx: ctx, st: s.cfg.Store}, refs)
	d = append(d, more...)
	d.Sort()
	d = nonNil(d)
	errs, warns := d.Count()
	return validateResponse{Valid: errs == 0, Errors: errs, Warnings: warns, Diagnostics: d}, err
}

func (s *Server) validateSource(c *fiber.Ctx) error {
	var req validateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	format, err := formatOf(req.Format, req.Source)
	if err != nil {
		return err
	}
	v, err := s.validation(c.UserContext(), dispatch.SourceName("draft", format), req.Source, flows.Warning)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) validateFlow(c *fiber.Ctx) error {
	f, err := s.cfg.Store.FlowGet(c.UserContext(), param(c, "id"))
	if err != nil {
		return err
	}
	source, format := f.Source, f.Format
	if len(c.Body()) > 0 {
		var req validateRequest
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		if req.Source != "" {
			if format, err = formatOf(req.Format, req.Source); err != nil {
				return err
			}
			source = req.Source
		}
	}
	v, err := s.validation(c.UserContext(), dispatch.SourceName(f.ID, format), source, flows.Warning)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

type publishRequest struct {
	Message string `json:"message"`
}

func (s *Server) publishFlow(c *fiber.Ctx) error {
	id := param(c, "id")
	rev, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req publishRequest
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	f, err := s.cfg.Store.FlowGet(c.UserContext(), id)
	if err != nil {
		return err
	}
	if rev != 0 && rev != f.Revision {
		return errorf(fiber.StatusConflict, "conflict", "the draft changed since revision %d (it is at %d, saved by %s); review it before publishing", rev, f.Revision, f.UpdatedBy)
	}
	return s.publish(c, f.Source, f.Format, id, req.Message)
}

// publish checks a source and stores it as the flow's next version; a source with errors is
// refused with its diagnostics.
func (s *Server) publish(c *fiber.Ctx, source, format, id, message string) error {
	v, err := s.validation(c.UserContext(), dispatch.SourceName(id, format), source, flows.Error)
	if err != nil {
		return err
	}
	if !v.Valid {
		e := errorf(fiber.StatusUnprocessableEntity, "invalid_flow", "the flow has %d errors; fix them before publishing", v.Errors)
		e.Extra = map[string]any{"diagnostics": v.Diagnostics}
		return e
	}
	doc, _ := flows.Parse(dispatch.SourceName(id, format), []byte(source))
	version, err := s.cfg.Store.FlowPublish(c.UserContext(), store.FlowPublishParams{
		ID: id, Source: source, Format: format, Author: by(c), Message: message, Name: doc.Name, Description: doc.Description})
	if err != nil {
		return err
	}
	s.flows.Published(id)
	c.Set(fiber.HeaderLocation, fmt.Sprintf("/api/v1/flows/%s/versions/%d", id, version.Version))
	return c.Status(fiber.StatusCreated).JSON(version)
}

type rollbackRequest struct {
	Version int    `json:"version"`
	Message string `json:"message"`
}

func (s *Server) rollbackFlow(c *fiber.Ctx) error {
	id := param(c, "id")
	var req rollbackRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Version <= 0 {
		return fieldError("version", "name the version to roll back to")
	}
	v, err := s.cfg.Store.FlowVersionGet(c.UserContext(), id, req.Version)
	if err != nil {
		return err
	}
	if req.Message == "" {
		req.Message = fmt.Sprintf("roll back to version %d", req.Version)
	}
	return s.publish(c, v.Source, v.Format, id, req.Message)
}

// versionSummary is a version in a list: no source.
type versionSummary struct {
	Version   int    `json:"version"`
	Author    string `json:"author"`
	Message   string `json:"message"`
	CreatedAt string `json:"created_at"`
}

func (s *Server) listVersions(c *fiber.Ctx) error {
	id := param(c, "id")
	if _, err := s.cfg.Store.FlowGet(c.UserContext(), id); err != nil {
		return err
	}
	vs, err := s.cfg.Store.FlowVersionList(c.UserContext(), id)
	if err != nil {
		return err
	}
	out := make([]versionSummary, len(vs))
	for i, v := range vs {
		out[i] = versionSummary{Version: v.Version, Author: v.Author, Message: v.Message, CreatedAt: v.CreatedAt.Format(timeFormat)}
	}
	return c.JSON(out)
}

func (s *Server) getVersion(c *fiber.Ctx) error {
	n, err := intParam(c, "version")
	if err != nil {
		return err
	}
	if n == 0 {
		return fieldError("version", "versions are numbered from 1")
	}
	v, err := s.cfg.Store.FlowVersionGet(c.UserContext(), param(c, "id"), n)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// revisionSource returns the source of a version number, or of the draft for "draft".
func (s *Server) revisionSource(c *fiber.Ctx, id, which string) (source, format string, err error) {
	if which == "draft" {
		f, err := s.cfg.Store.FlowGet(c.UserContext(), id)
		if err != nil {
			return "", "", err
		}
		return f.Source, f.Format, nil
	}
	n, err := strconv.Atoi(which)
	if err != nil || n < 0 {
		return "", "", fieldError("version", "%q is neither a version number nor draft", which)
	}
	v, err := s.cfg.Store.FlowVersionGet(c.UserContext(), id, n)
	if err != nil {
		return "", "", err
	}
	return v.Source, v.Format, nil
}

func (s *Server) diffFlow(c *fiber.Ctx) error {
	id := param(c, "id")
	from, to := c.Query("from", "0"), c.Query("to", "draft")
	fromSrc, fromFormat, err := s.revisionSource(c, id, from)
	if err != nil {
		return err
	}
	toSrc, toFormat, err := s.revisionSource(c, id, to)
	if err != nil {
		return err
	}
	a, da := flows.Parse(dispatch.SourceName(id, fromFormat), []byte(fromSrc))
	b, db := flows.Parse(dispatch.SourceName(id, toFormat), []byte(toSrc))
	if a == nil || b == nil {
		e := errorf(fiber.StatusUnprocessableEntity, "invalid_flow", "one of the two cannot be read, so they cannot be compared")
		e.Extra = map[string]any{"diagnostics": nonNil(append(da, db...))}
		return e
	}
	return c.JSON(fiber.Map{"from": from, "to": to, "diff": flows.DiffDocuments(a, b)})
}

func (s *Server) exportFlow(c *fiber.Ctx) error {
	id := param(c, "id")
	which := c.Query("version", "draft")
	source, format, err := s.revisionSource(c, id, which)
	if err != nil {
		return err
	}
	to := c.Query("format", format)
	if to != "yaml" && to != "json" {
		return fieldError("format", "format %q: use yaml or json", to)
	}
	out := []byte(source)
	if to != format {
		converted, diags := flows.Convert(dispatch.SourceName(id, format), out, to, s.cfg.Registry)
		if converted == nil {
			e := errorf(fiber.StatusUnprocessableEntity, "invalid_flow", "the flow cannot be read, so it cannot be converted to %s", to)
			e.Extra = map[string]any{"diagnostics": nonNil(diags)}
			return e
		}
		out = converted
	}
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, dispatch.SourceName(id, to)))
	if to == "json" {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	} else {
		c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
	}
	return c.Send(out)
}

// importFlow takes a flow file as the body (YAML or JSON): a new flow is created, a known
// one's draft replaced. With ?publish=true it is published too.
func (s *Server) importFlow(c *fiber.Ctx) error {
	body := string(c.Body())
	format := ""
	switch ct := strings.ToLower(c.Get(fiber.HeaderContentType)); {
	case strings.Contains(ct, "json"):
		format = "json"
	case strings.Contains(ct, "yaml"):
		format = "yaml"
	}
	f, err := s.draftFromSource(sourceRequest{Source: body, Format: format}, "")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	status := fiber.StatusOK
	saved, err := s.cfg.Store.FlowUpdateDraft(ctx, store.FlowUpdateParams{ID: f.ID, Name: f.Name, Description: f.Description,
		Source: f.Source, Format: f.Format, By: by(c)})
	if errors.Is(err, store.ErrNotFound) {
		status = fiber.StatusCreated
		saved, err = s.cfg.Store.FlowCreate(ctx, f, by(c))
	}
	if err != nil {
		return err
	}
	if c.QueryBool("publish") {
		return s.publish(c, saved.Source, saved.Format, saved.ID, firstNonEmpty(c.Query("message"), "imported"))
	}
	c.Set(fiber.HeaderETag, etag(saved.Revision))
	return c.Status(status).JSON(s.withDiagnostics(ctx, saved))
}
