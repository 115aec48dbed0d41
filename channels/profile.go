package channels

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Profile is what a network tells of a customer: Messenger's User Profile API for a page-scoped
// id, Instagram's for an Instagram-scoped id.
type Profile struct {
	// Name is the full name; Instagram may have none.
	Name string `json:"name,omitempty"`
	// FirstName and LastName are Messenger's; Instagram tells only the full name.
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	// Handle is the Instagram username.
	Handle string `json:"handle,omitempty"`
	// Picture is the profile picture's URL; it expires after a few days.
	Picture string `json:"picture,omitempty"`
}

// The fields asked of each network. Messenger answers name, first_name, last_name and
// profile_pic to every app allowed to read profiles; locale, timezone and gender need a
// further approval per field, and asking for one the app lacks fails the whole call.
const (
	messengerProfileFields = "name,first_name,last_name,profile_pic"
	instagramProfileFields = "name,username,profile_pic"
)

// ProfileLookup tells whether a customer of a channel type can be looked up: Facebook and
// Instagram customers known by their scoped id (not a Messenger user_ref, not a commenter the
// network did not name).
func ProfileLookup(channelType, customer string) bool {
	if channelType != TypeFacebook && channelType != TypeInstagram {
		return false
	}
	return customer != "" && !strings.Contains(customer, ":")
}

// Profile looks a customer's profile up: GET /{PSID}?fields=... (Messenger) or
// GET /{IGSID}?fields=... (Instagram) with the channel's token. The network answers only for
// customers who wrote to the page or account (Messenger: code 100, subcode 2018218 for accounts
// without a profile; Instagram: code 230, consent required). Every failure is a *SendError
// classified as a send's would be: ClassReauth for a token Graph no longer takes (190),
// ClassThrottle with RetryAfter for rate limits, ClassFatal for a profile it will not give.
func (c *Client) Profile(ctx context.Context, ch Channel, customer string) (Profile, error) {
	if !ProfileLookup(ch.Type, customer) {
		return Profile{}, refuse(ClassFatal, "no profile to look up for customer %q of a %s channel", customer, ch.Type)
	}
	token := ch.accessToken()
	if token == "" {
		return Profile{}, refuse(ClassReauth, "channel %s has no access token to look profiles up with", ch.ID)
	}
	g := c.graphFor(ch, token)
	fields := messengerProfileFields
	if ch.Type == TypeInstagram {
		fields = instagramProfileFields
	}
	q := url.Values{}
	for k, v := range g.query {
		q[k] = v
	}
	q.Set("fields", fields)
	path := "/" + url.PathEscape(customer)
	r, err := c.do(ctx, http.MethodGet, g.base+path+"?"+q.Encode(), nil, nil)
	if err != nil {
		return Profile{}, err
	}
	if r.status/100 != 2 || hasGraphError(r.body) {
		return Profile{}, classifyGraph(r, c.now())
	}
	var a struct {
		Name       *string `json:"name"`
		FirstName  *string `json:"first_name"`
		LastName   *string `json:"last_name"`
		Username   *string `json:"username"`
		ProfilePic *string `json:"profile_pic"`
	}
	if err := json.Unmarshal(r.body, &a); err != nil {
		return Profile{}, refuse(ClassRetry, "GET %s: reading the profile: %v", path, err)
	}
	p := Profile{Name: orEmpty(a.Name), FirstName: orEmpty(a.FirstName), LastName: orEmpty(a.LastName), Handle: orEmpty(a.Username),
		Picture: orEmpty(a.ProfilePic)}
	if p.Name == "" {
		p.Name = strings.TrimSpace(p.FirstName + " " + p.LastName)
	}
	if len(p.Name) > maxProfileText || len(p.FirstName) > maxProfileText || len(p.Handle) > maxProfileText {
		return Profile{}, refuse(ClassFatal, "GET %s: the profile's name is longer than %d bytes", path, maxProfileText)
	}
	if len(p.Picture) > 4*maxProfileText {
		p.Picture = "" // an expiring URL; not worth keeping when absurd
	}
	return p, nil
}

// maxProfileText bounds each name a profile may carry.
const maxProfileText = 512

// orEmpty reads a field Graph may answer as null.
func orEmpty(s *string) string {
	if s == nil {
		return ""
	}
	return strings.TrimSpace(*s)
}

// String names the profile for logs: its name and handle, not the picture.
func (p Profile) String() string { return fmt.Sprintf("%q @%s", p.Name, p.Handle) }
