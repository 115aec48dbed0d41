package server

// The web chat's guards: the visitor tokens the server signs, the origins a channel allows
// (CORS), and the rate limits per visitor and per IP address.

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"

	"github.com/switchboardhq/switchboard/settings"
	"github.com/switchboardhq/switchboard/store"
)

// VisitorTokenTTL is how long a visitor token is good for; each new session of the widget
// renews it.
const VisitorTokenTTL = 30 * 24 * time.Hour

// WebchatLimits bound what visitors may do; zero fields take the defaults.
type WebchatLimits struct {
	// IPRate and IPBurst bound the requests of one IP address to the visitor endpoints, per
	// second (default 10, burst 60).
	IPRate  float64
	IPBurst int
	// VisitorRate and VisitorBurst bound the messages and files one visitor sends, per second
	// (default 1, burst 10).
	VisitorRate  float64
	VisitorBurst int
	// MaxFileBytes is the largest file a visitor may attach (default 2 MiB).
	MaxFileBytes int
	// Tracked is how many IP addresses and visitors the limits remember each (default 10000);
	// the least recently seen are forgotten first.
	Tracked int
	// StreamsPerVisitor bounds one visitor's open streams (default 4); Streams bounds all of
	// them (default 5000).
	StreamsPerVisitor, Streams int
}

func (l WebchatLimits) withDefaults() WebchatLimits {
	def := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.IPRate, 10)
	defInt(&l.IPBurst, 60)
	def(&l.VisitorRate, 1)
	defInt(&l.VisitorBurst, 10)
	defInt(&l.MaxFileBytes, 2<<20)
	defInt(&l.Tracked, 10000)
	defInt(&l.StreamsPerVisitor, 4)
	defInt(&l.Streams, 5000)
	return l
}

// webchatGuard holds the key of visitor tokens and the rate limiters.
type webchatGuard struct {
	limits  WebchatLimits
	mu      sync.Mutex
	key     []byte
	ips     *lru.Cache[string, *rate.Limiter]
	senders *lru.Cache[string, *rate.Limiter]
}

func newWebchatGuard(limits WebchatLimits) *webchatGuard {
	limits = limits.withDefaults()
	ips, _ := lru.New[string, *rate.Limiter](limits.Tracked)
	senders, _ := lru.New[string, *rate.Limiter](limits.Tracked)
	return &webchatGuard{limits: limits, ips: ips, senders: senders}
}

// signingKey is the key of visitor tokens, made and stored on first use, shared by the nodes.
func (g *webchatGuard) signingKey(ctx context.Context, st store.Store) ([]byte, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.key != nil {
		return g.key, nil
	}
	candidate := make([]byte, 32)
	if _, err := rand.Read(candidate); err != nil {
		return nil, err
	}
	key, err := st.WebchatKey(ctx, candidate)
	if err != nil {
		return nil, err
	}
	g.key = key
	return key, nil
}

// newVisitorID names a new visitor: 128 random bits.
func newVisitorID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return store.WebchatVisitorPrefix + base64.RawURLEncoding.EncodeToString(b)
}

func tokenMAC(key []byte, channelID, visitor string, expires int64) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "switchboard webchat visitor v1\n%s\n%s\n%d", channelID, visitor, expires)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// signVisitor makes a visitor's token for a channel: v1.<visitor>.<expiry>.<signature>.
func signVisitor(key []byte, channelID, visitor string, expires time.Time) string {
	exp := expires.Unix()
	return "v1." + visitor + "." + strconv.FormatInt(exp, 10) + "." + tokenMAC(key, channelID, visitor, exp)
}

// verifyVisitor returns the visitor a token names, if the server signed it for the channel and
// it has not expired.
func verifyVisitor(key []byte, channelID, token string, now time.Time) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 || parts[0] != "v1" || !store.IsWebchatVisitor(parts[1]) {
		return "", errorf(fiber.StatusUnauthorized, "invalid_token", "the visitor token is malformed; start a session with POST /webchat/%s/session", channelID)
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", errorf(fiber.StatusUnauthorized, "invalid_token", "the visitor token's expiry is malformed; start a session with POST /webchat/%s/session", channelID)
	}
	if !hmac.Equal([]byte(parts[3]), []byte(tokenMAC(key, channelID, parts[1], exp))) {
		return "", errorf(fiber.StatusUnauthorized, "invalid_token", "the visitor token was not issued by this server for web chat %s; start a session with POST /webchat/%s/session", channelID, channelID)
	}
	if !now.Before(time.Unix(exp, 0)) {
		return "", errorf(fiber.StatusUnauthorized, "token_expired", "the visitor token expired at %s; start a new session with POST /webchat/%s/session", time.Unix(exp, 0).UTC().Format(time.RFC3339), channelID)
	}
	return parts[1], nil
}

// visitorToken is the token a request carries: Authorization: Bearer, or ?token= for the
// browser's EventSource, which cannot set headers.
func visitorToken(c *fiber.Ctx) string {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		if t, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(t)
		}
		return ""
	}
	return c.Query("token")
}

// allowOrigin sets the CORS headers of a request from a page the channel allows, and refuses one
// from a page it does not. A request without Origin (a server, curl) has nothing to allow.
// A page the server itself serves (the demo) is always allowed. Tokens travel in headers, never
// in cookies, so credentials are never allowed.
func allowOrigin(c *fiber.Ctx, ch store.Channel) error {
	c.Vary(fiber.HeaderOrigin)
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return nil
	}
	parsed, _ := settings.ParseChannel(ch.Type, ch.Settings)
	self := c.Protocol() + "://" + string(c.Request().Host())
	if origin != self && !slices.Contains(parsed.AllowedOrigins, origin) && !slices.Contains(parsed.AllowedOrigins, "*") {
		return errorf(fiber.StatusForbidden, "origin_refused", "pages of %s may not use web chat %s; add the origin to the channel's allowed_origins setting", origin, ch.ID)
	}
	c.Set(fiber.HeaderAccessControlAllowOrigin, origin)
	c.Set(fiber.HeaderAccessControlExposeHeaders, "Retry-After")
	return nil
}

// limited answers 429 with Retry-After when a limiter has no token for now.
func limited(lim *rate.Limiter, now time.Time, what string) error {
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return errorf(fiber.StatusTooManyRequests, "rate_limited", "too many requests from this %s", what)
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		e := errorf(fiber.StatusTooManyRequests, "rate_limited", "too many requests from this %s; try again in %s", what, d.Round(time.Millisecond))
		e.Extra = map[string]any{"retry_after": int(math.Ceil(d.Seconds()))}
		return e
	}
	return nil
}

func (g *webchatGuard) limiter(cache *lru.Cache[string, *rate.Limiter], key string, r float64, burst int) *rate.Limiter {
	if lim, ok := cache.Get(key); ok {
		return lim
	}
	lim := rate.NewLimiter(rate.Limit(r), burst)
	if prev, ok, _ := cache.PeekOrAdd(key, lim); ok {
		return prev
	}
	return lim
}

func (g *webchatGuard) limitIP(ip string, now time.Time) error {
	return limited(g.limiter(g.ips, ip, g.limits.IPRate, g.limits.IPBurst), now, "address")
}

func (g *webchatGuard) limitVisitor(channelID, visitor string, now time.Time) error {
	return limited(g.limiter(g.senders, channelID+" "+visitor, g.limits.VisitorRate, g.limits.VisitorBurst), now, "visitor")
}
