package server

// The web chat's visitor endpoints, which the widget calls from the visitor's browser: a
// session that signs the visitor's token, messages posted and read back, a stream of them,
// delivery receipts and files. Every call but the session's carries the token; a visitor reads
// only their own mailbox.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/dispatch"
	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/settings"
	"github.com/switchboardhq/switchboard/store"
)

// Bounds of what a visitor sends.
const (
	// maxVisitorText is the longest message, in characters.
	maxVisitorText = 4000
	// maxVisitorFiles is how many files one message carries, and filesPerVisitor how many
	// files a visitor's mailbox keeps.
	maxVisitorFiles = 4
	filesPerVisitor = 20
	// pollPage is the most messages one read returns.
	pollPage = 100
)

// webchatFileTypes are the files visitors may attach, by content type.
var webchatFileTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}

// messageKey is the widget's id of a visitor's message.
var messageKey = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Locals of a visitor request.
const (
	localChannel = "webchat.channel"
	localVisitor = "webchat.visitor"
)

func (s *Server) webchatRoutes() {
	visitor := []fiber.Handler{s.webchatGate, s.webchatVisitor}
	on := func(add func(string, ...fiber.Handler) fiber.Router, path string, hs ...fiber.Handler) {
		add("/webchat/:channel"+path, hs...)
	}
	for _, path := range []string{"/session", "/messages", "/stream", "/delivered", "/files", "/files/:file"} {
		on(s.app.Options, path, s.webchatGate, s.webchatPreflight)
	}
	on(s.app.Post, "/session", s.webchatGate, s.webchatSession)
	on(s.app.Post, "/messages", append(visitor, s.webchatPost)...)
	on(s.app.Get, "/messages", append(visitor, s.webchatPoll)...)
	on(s.app.Get, "/stream", append(visitor, s.webchatStream)...)
	on(s.app.Post, "/delivered", append(visitor, s.webchatDelivered)...)
	on(s.app.Post, "/files", append(visitor, s.webchatUpload)...)
	on(s.app.Get, "/files/:file", append(visitor, s.webchatVisitorFile)...)
	s.app.Get("/api/v1/webchat/files/:file", s.auth(store.RoleAgent, store.RoleAdmin, store.RoleSupervisor), s.webchatAgentFile)
}

// webchatGate finds the channel, checks the page's origin and the address's rate.
func (s *Server) webchatGate(c *fiber.Ctx) error {
	var ch store.Channel
	var err error
	if s.cfg.Dispatcher != nil {
		ch, err = s.cfg.Dispatcher.Channel(c.UserContext(), param(c, "channel"))
	} else {
		ch, err = s.cfg.Store.ChannelGet(c.UserContext(), param(c, "channel"))
	}
	if errors.Is(err, store.ErrNotFound) || (err == nil && (ch.Type != store.ChannelWebchat || !ch.Enabled)) {
		c.Vary(fiber.HeaderOrigin)
		return errorf(fiber.StatusNotFound, "not_found", "there is no enabled web chat %q", param(c, "channel"))
	}
	if err != nil {
		return err
	}
	if err := allowOrigin(c, ch); err != nil {
		return err
	}
	if err := retryAfter(c, s.webchat.limitIP(c.IP(), s.cfg.Clock.Now())); err != nil {
		return err
	}
	c.Locals(localChannel, ch)
	return c.Next()
}

// retryAfter sets Retry-After for a rate limit's error.
func retryAfter(c *fiber.Ctx, err error) error {
	var ae *apiError
	if errors.As(err, &ae) {
		if n, ok := ae.Extra["retry_after"].(int); ok {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(n, 1)))
		}
	}
	return err
}

// webchatPreflight answers a browser's CORS preflight for an allowed page.
func (s *Server) webchatPreflight(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAccessControlAllowMethods, "GET, POST, OPTIONS")
	c.Set(fiber.HeaderAccessControlAllowHeaders, "Authorization, Content-Type, Last-Event-ID")
	c.Set(fiber.HeaderAccessControlMaxAge, "600")
	return c.SendStatus(fiber.StatusNoContent)
}

// webchatVisitor reads the visitor's token.
func (s *Server) webchatVisitor(c *fiber.Ctx) error {
	ch := c.Locals(localChannel).(store.Channel)
	token := visitorToken(c)
	if token == "" {
		return errorf(fiber.StatusUnauthorized, "unauthorized", "send the visitor token as Authorization: Bearer <token>; POST /webchat/%s/session gives one", ch.ID)
	}
	key, err := s.webchat.signingKey(c.UserContext(), s.cfg.Store)
	if err != nil {
		return err
	}
	visitor, err := verifyVisitor(key, ch.ID, token, s.cfg.Clock.Now())
	if err != nil {
		return err
	}
	c.Locals(localVisitor, visitor)
	return c.Next()
}

func visitorOf(c *fiber.Ctx) (store.Channel, string) {
	v, _ := c.Locals(localVisitor).(string)
	return c.Locals(localChannel).(store.Channel), v
}

// webchatSessionBody is what the widget learns when it starts.
type webchatSessionBody struct {
	Visitor   string               `json:"visitor"`
	Token     string               `json:"token"`
	ExpiresAt time.Time            `json:"expires_at"`
	LastID    int64                `json:"last_id"`
	Texts     settings.WidgetTexts `json:"texts"`
	Limits    webchatLimitsBody    `json:"limits"`
}

type webchatLimitsBody struct {
	MaxText      int      `json:"max_text"`
	MaxFileBytes int      `json:"max_file_bytes"`
	MaxFiles     int      `json:"max_files"`
	FileTypes    []string `json:"file_types"`
}

// webchatSession starts a visitor, or renews the token of the one the request names.
func (s *Server) webchatSession(c *fiber.Ctx) error {
	ch := c.Locals(localChannel).(store.Channel)
	key, err := s.webchat.signingKey(c.UserContext(), s.cfg.Store)
	if err != nil {
		return err
	}
	now := s.cfg.Clock.Now()
	visitor := newVisitorID()
	if token := visitorToken(c); token != "" {
		if visitor, err = verifyVisitor(key, ch.ID, token, now); err != nil {
			return err
		}
	}
	last, err := s.cfg.Store.WebchatLast(c.UserContext(), ch.ID, visitor)
	if err != nil {
		return err
	}
	parsed, _ := settings.ParseChannel(ch.Type, ch.Settings)
	expires := now.Add(VisitorTokenTTL).Truncate(time.Second)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(webchatSessionBody{Visitor: visitor, Token: signVisitor(key, ch.ID, visitor, expires), ExpiresAt: expires.UTC(),
		LastID: last, Texts: parsed.Widget, Limits: webchatLimitsBody{MaxText: maxVisitorText, MaxFileBytes: s.webchat.limits.MaxFileBytes,
			MaxFiles: maxVisitorFiles, FileTypes: webchatFileTypes}})
}

type webchatPostRequest struct {
	// ID is the widget's id of the message: sent again, the message is stored once.
	ID    string   `json:"id"`
	Text  string   `json:"text"`
	Files []string `json:"files"`
	// Locale is the visitor's language as the browser tells it (it-IT), for the flow's
	// translations.
	Locale string `json:"locale"`
}

// webchatPost stores a visitor's message in the mailbox, then hands it to the flow as a web
// chat interaction, and answers once both are durable. The same id sent again is stored and
// handled once.
func (s *Server) webchatPost(c *fiber.Ctx) error {
	ch, visitor := visitorOf(c)
	if s.cfg.Dispatcher == nil {
		return errorf(fiber.StatusServiceUnavailable, "unavailable", "this server does not take web chat messages")
	}
	var req webchatPostRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if !messageKey.MatchString(req.ID) {
		return fieldError("id", "id %q: give the message an id of 1 to 64 letters, digits, - or _, the same when it is sent again", req.ID)
	}
	req.Text = strings.TrimSpace(req.Text)
	if n := utf8.RuneCountInString(req.Text); n > maxVisitorText {
		return fieldError("text", "the text is %d characters long; the most is %d", n, maxVisitorText)
	}
	if req.Text == "" && len(req.Files) == 0 {
		return fieldError("text", "write a text or attach a file")
	}
	if req.Locale != "" && (len(req.Locale) > 35 || engine.LanguageOf(req.Locale) == "") {
		return fieldError("locale", "locale %q is not a language tag such as it-IT or es", req.Locale)
	}
	if len(req.Files) > maxVisitorFiles {
		return fieldError("files", "%d files; a message carries at most %d", len(req.Files), maxVisitorFiles)
	}
	ctx := c.UserContext()
	now := s.cfg.Clock.Now()
	if err := retryAfter(c, s.webchat.limitVisitor(ch.ID, visitor, now)); err != nil {
		return err
	}
	var mine, theirs []engine.Attachment
	for i, id := range req.Files {
		f, err := s.cfg.Store.WebchatFileGet(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (f.ChannelID != ch.ID || f.Visitor != visitor)) {
			return fieldError(fmt.Sprintf("files[%d]", i), "there is no file %q of this visitor; upload it with POST /webchat/%s/files first", id, ch.ID)
		}
		if err != nil {
			return err
		}
		kind := "file"
		if strings.HasPrefix(f.ContentType, "image/") {
			kind = "image"
		}
		mine = append(mine, engine.Attachment{Type: kind, URL: "/webchat/" + ch.ID + "/files/" + f.ID})
		theirs = append(theirs, engine.Attachment{Type: kind, URL: "/api/v1/webchat/files/" + f.ID})
	}
	var stored store.WebchatMessage
	err := s.cfg.Store.InTx(ctx, func(tx store.Tx) error {
		var err error
		stored, _, err = tx.WebchatAppend(ctx, store.WebchatMessage{ChannelID: ch.ID, Visitor: visitor, Key: req.ID,
			Direction: store.WebchatIn, Text: req.Text, Attachments: mine}, dispatch.WebchatMailboxSize)
		return err
	})
	if err != nil {
		return err
	}
	body, err := json.Marshal(engine.Interaction{ID: "webchat:" + visitor + ":" + req.ID, Kind: "message", Text: req.Text,
		Author: engine.Author{ID: visitor}, Thread: visitor, Time: stored.CreatedAt, Attachments: theirs, Locale: req.Locale})
	if err != nil {
		return err
	}
	ev, err := s.cfg.Dispatcher.Ingest(ctx, ch, body)
	if err != nil {
		s.log.ErrorContext(ctx, "store a web chat message", "channel", ch.ID, "err", err)
		return errorf(fiber.StatusServiceUnavailable, "unavailable", "the message could not be handed to the flow; send it again with the same id")
	}
	s.cfg.Dispatcher.Submit(ev)
	s.cfg.Dispatcher.AnnounceWebchat(ctx, ch.ID, visitor)
	s.metrics.webhooks.WithLabelValues(ch.Type).Inc()
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"message": stored, "status": "stored"})
}

// afterParam reads ?after=, the last message id the widget has.
func afterParam(c *fiber.Ctx, name string, raw string) (int64, error) {
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, fieldError(name, "%s %q: give the id of the last message the widget has, 0 for all", name, raw)
	}
	return n, nil
}

// webchatPoll returns the visitor's messages after an id: the stream's fallback.
func (s *Server) webchatPoll(c *fiber.Ctx) error {
	ch, visitor := visitorOf(c)
	after, err := afterParam(c, "after", c.Query("after"))
	if err != nil {
		return err
	}
	msgs, err := s.cfg.Store.WebchatList(c.UserContext(), ch.ID, visitor, after, pollPage)
	if err != nil {
		return err
	}
	last := after
	if len(msgs) > 0 {
		last = msgs[len(msgs)-1].Seq
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"messages": msgs, "last_id": last, "more": len(msgs) == pollPage})
}

type deliveredRequest struct {
	UpTo int64 `json:"up_to"`
}

// webchatDelivered records that the widget showed the replies up to an id: they are delivered,
// in the mailbox and in the conversation's transcript agents read.
func (s *Server) webchatDelivered(c *fiber.Ctx) error {
	ch, visitor := visitorOf(c)
	var req deliveredRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.UpTo <= 0 {
		return fieldError("up_to", "up_to %d: give the id of the last reply the widget showed", req.UpTo)
	}
	ctx := c.UserContext()
	msgs, err := s.cfg.Store.WebchatList(ctx, ch.ID, visitor, req.UpTo-1, 1)
	if err != nil {
		return err
	}
	if len(msgs) == 0 || msgs[0].Seq != req.UpTo {
		return fieldError("up_to", "there is no message %d in this visitor's mailbox", req.UpTo)
	}
	conv, convErr := s.cfg.Store.ConversationFind(ctx, ch.ID, visitor)
	err = s.cfg.Store.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.WebchatMarkDelivered(ctx, ch.ID, visitor, req.UpTo); err != nil {
			return err
		}
		if convErr != nil {
			return nil // no open conversation: nothing for agents to see
		}
		return tx.InteractionsMark(ctx, conv.ID, msgs[0].CreatedAt, "delivered")
	})
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// webchatUpload stores a visitor's file: the body is the file, its Content-Type one of
// webchatFileTypes, ?name= its name.
func (s *Server) webchatUpload(c *fiber.Ctx) error {
	ch, visitor := visitorOf(c)
	data := c.Body()
	ctype := strings.ToLower(strings.TrimSpace(strings.Split(c.Get(fiber.HeaderContentType), ";")[0]))
	if !slices.Contains(webchatFileTypes, ctype) {
		return fieldError("Content-Type", "files of type %q are not taken; send one of %s", ctype, strings.Join(webchatFileTypes, ", "))
	}
	if len(data) == 0 {
		return fieldError("body", "the file is empty")
	}
	if len(data) > s.webchat.limits.MaxFileBytes {
		return errorf(fiber.StatusRequestEntityTooLarge, "too_large", "the file is %d bytes; the most is %d", len(data), s.webchat.limits.MaxFileBytes)
	}
	// what the bytes are must be what the type says: no page passed off as an image
	if sniffed := http.DetectContentType(data); !strings.HasPrefix(sniffed, ctype) {
		return fieldError("Content-Type", "the file says it is %s but its bytes are %s", ctype, sniffed)
	}
	name := strings.TrimSpace(c.Query("name"))
	if name == "" {
		name = "file"
	}
	if n := utf8.RuneCountInString(name); n > 200 || strings.ContainsAny(name, "/\\\x00\r\n\"") {
		return fieldError("name", "name %q: give a file name of at most 200 characters, without / \\ or quotes", name)
	}
	if err := retryAfter(c, s.webchat.limitVisitor(ch.ID, visitor, s.cfg.Clock.Now())); err != nil {
		return err
	}
	f, err := s.cfg.Store.WebchatFilePut(c.UserContext(), store.WebchatFile{ID: "f_" + newVisitorID()[2:], ChannelID: ch.ID,
		Visitor: visitor, Name: name, ContentType: ctype, Data: data}, filesPerVisitor)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": f.ID, "name": f.Name, "content_type": f.ContentType, "size": f.Size,
		"url": "/webchat/" + ch.ID + "/files/" + f.ID})
}

// webchatVisitorFile serves a file to the visitor who attached it.
func (s *Server) webchatVisitorFile(c *fiber.Ctx) error {
	ch, visitor := visitorOf(c)
	f, err := s.cfg.Store.WebchatFileGet(c.UserContext(), param(c, "file"))
	if err == nil && (f.ChannelID != ch.ID || f.Visitor != visitor) {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		return errorf(fiber.StatusNotFound, "not_found", "this visitor has no file %q", param(c, "file"))
	}
	if err != nil {
		return err
	}
	return sendWebchatFile(c, f)
}

// webchatAgentFile serves a visitor's file to agents, supervisors and admins.
func (s *Server) webchatAgentFile(c *fiber.Ctx) error {
	f, err := s.cfg.Store.WebchatFileGet(c.UserContext(), param(c, "file"))
	if err != nil {
		return err
	}
	return sendWebchatFile(c, f)
}

// sendWebchatFile sends a stored file so that no browser runs it: its own type, never sniffed,
// sandboxed, and downloaded unless it is an image.
func sendWebchatFile(c *fiber.Ctx, f store.WebchatFile) error {
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "sandbox; default-src 'none'")
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	disposition := "attachment"
	if strings.HasPrefix(f.ContentType, "image/") {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf("%s; filename=%q", disposition, f.Name))
	return c.Send(f.Data)
}
