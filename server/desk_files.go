package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/switchboardhq/switchboard/engine"
	"github.com/switchboardhq/switchboard/store"
)

// Files agents attach to replies. They are kept with the web chat's files: a web chat visitor's
// conversation stores them as the visitor's, so the widget shows them as it shows the visitor's
// own; other conversations store them as the agent's, and the network fetches them from a
// signed public address.

// agentFilesKept is how many files an agent's uploads keep (the oldest go first).
const agentFilesKept = 50

// agentFileTypes are the files each network takes in a reply.
var agentFileTypes = map[string][]string{
	store.ChannelFacebook:  {"image/png", "image/jpeg", "image/gif", "application/pdf"},
	store.ChannelInstagram: {"image/png", "image/jpeg", "image/gif"},
	store.ChannelWebchat:   webchatFileTypes,
}

// agentUpload stores a file for a reply in a conversation the agent serves: multipart field
// file, of a type the conversation's network takes, at most the web chat's file size.
func (s *Server) agentUpload(c *fiber.Ctx) error {
	ctx := c.UserContext()
	conv, err := s.deskConversation(c, param(c, "id"))
	if err != nil {
		return err
	}
	ch, err := s.cfg.Store.ChannelGet(ctx, conv.ChannelID)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return fieldError("file", "send the file as the multipart field file")
	}
	refuse := func(format string, args ...any) error {
		e := errorf(fiber.StatusUnprocessableEntity, "refused", format, args...)
		e.Field = "file"
		return e
	}
	types := agentFileTypes[ch.Type]
	ctype := strings.ToLower(strings.TrimSpace(strings.Split(fh.Header.Get(fiber.HeaderContentType), ";")[0]))
	switch {
	case len(types) == 0:
		return refuse("%s replies carry text only", ch.Type)
	case !slices.Contains(types, ctype):
		return refuse("files of type %q do not go to %s; send one of %s", ctype, ch.Type, strings.Join(types, ", "))
	case fh.Size == 0:
		return refuse("the file is empty")
	case fh.Size > int64(s.webchat.limits.MaxFileBytes):
		return refuse("the file is %d bytes; the most is %d", fh.Size, s.webchat.limits.MaxFileBytes)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(s.webchat.limits.MaxFileBytes)+1))
	if err != nil {
		return err
	}
	if sniffed := http.DetectContentType(data); !strings.HasPrefix(sniffed, ctype) {
		return refuse("the file says it is %s but its bytes are %s", ctype, sniffed)
	}
	name := strings.TrimSpace(fh.Filename)
	if name == "" || len([]rune(name)) > 200 || strings.ContainsAny(name, "/\\\x00\r\n\"") {
		name = "file"
	}
	owner, keep := "agent:"+me(c), agentFilesKept
	if ch.Type == store.ChannelWebchat && store.IsWebchatVisitor(conv.Customer) {
		owner, keep = conv.Customer, filesPerVisitor
	}
	stored, err := s.cfg.Store.WebchatFilePut(ctx, store.WebchatFile{ID: "f_" + newVisitorID()[2:], ChannelID: ch.ID, Visitor: owner,
		Name: name, ContentType: ctype, Data: data}, keep)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": stored.ID, "name": stored.Name, "type": stored.ContentType, "size": stored.Size})
}

// replyAttachments turns the ids of files uploaded to a conversation into a reply's
// attachments: those the network gets, and those the transcript shows.
func (s *Server) replyAttachments(c *fiber.Ctx, conversationID string, ids []string) (sent, shown []engine.Attachment, err error) {
	if len(ids) == 0 {
		return nil, nil, nil
	}
	if len(ids) > maxVisitorFiles {
		return nil, nil, fieldError("attachments", "%d files; a reply carries at most %d", len(ids), maxVisitorFiles)
	}
	ctx := c.UserContext()
	conv, err := s.deskConversation(c, conversationID)
	if err != nil {
		return nil, nil, err
	}
	ch, err := s.cfg.Store.ChannelGet(ctx, conv.ChannelID)
	if err != nil {
		return nil, nil, err
	}
	key, err := s.webchat.signingKey(ctx, s.cfg.Store)
	if err != nil {
		return nil, nil, err
	}
	for i, id := range ids {
		f, err := s.cfg.Store.WebchatFileGet(ctx, id)
		if err == nil && (f.ChannelID != ch.ID || (f.Visitor != conv.Customer && f.Visitor != "agent:"+me(c))) {
			err = store.ErrNotFound
		}
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil, fieldError(fmt.Sprintf("attachments[%d]", i), "there is no file %q of this conversation; upload it first", id)
		}
		if err != nil {
			return nil, nil, err
		}
		kind := "file"
		if strings.HasPrefix(f.ContentType, "image/") {
			kind = "image"
		}
		agentURL := "/api/v1/webchat/files/" + f.ID
		url := c.BaseURL() + "/files/" + f.ID + "?sig=" + fileMAC(key, f.ID)
		if f.Visitor == conv.Customer && store.IsWebchatVisitor(conv.Customer) {
			url = "/webchat/" + ch.ID + "/files/" + f.ID
		}
		sent = append(sent, engine.Attachment{Type: kind, URL: url})
		shown = append(shown, engine.Attachment{Type: kind, URL: agentURL})
	}
	return sent, shown, nil
}

// fileMAC signs a file's public address, so that only whom a reply sent it to can fetch it.
func fileMAC(key []byte, id string) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "switchboard reply file v1\n%s", id)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// publicFile serves a file an agent sent to a network that fetches it by its address.
func (s *Server) publicFile(c *fiber.Ctx) error {
	key, err := s.webchat.signingKey(c.UserContext(), s.cfg.Store)
	if err != nil {
		return err
	}
	id := c.Params("file")
	if !hmac.Equal([]byte(c.Query("sig")), []byte(fileMAC(key, id))) {
		return errorf(fiber.StatusNotFound, "not_found", "not found")
	}
	f, err := s.cfg.Store.WebchatFileGet(c.UserContext(), id)
	if err != nil {
		return err
	}
	return sendWebchatFile(c, f)
}
