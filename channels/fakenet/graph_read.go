package fakenet

// The Graph API's read edges a sender uses to find out whether a send it lost the answer of
// went through: a comment's comments (Facebook), an Instagram comment's replies, a page's or
// Instagram account's conversation with a customer, and a conversation's messages.

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
)

// graphTime is how Graph writes created_time and timestamp.
const graphTime = "2006-01-02T15:04:05-0700"

// conversationPrefix starts the fake's conversation ids: t_<account>_<customer>.
const conversationPrefix = "t_"

func (f *FakeGraph) read(parts []string, q url.Values) (int, any) {
	if len(parts) != 2 || parts[0] == "" {
		return invalid("Unsupported get request: /" + strings.Join(parts, "/"))
	}
	object, edge := parts[0], parts[1]
	limit, _ := strconv.Atoi(q.Get("limit"))
	after := ""
	if c := q.Get("after"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		if err != nil {
			return invalid("Invalid cursor: after")
		}
		after = string(b)
	}
	switch edge {
	case "comments":
		items := f.ledger.matching(func(s Sent) bool { return s.Kind == "comment" && s.Parent == object })
		if q.Get("order") != "reverse_chronological" { // Graph's default order is chronological
			reverse(items)
		}
		return f.list("/"+object+"/"+edge, items, after, limit, q, func(s Sent) map[string]any {
			return map[string]any{"id": s.ID, "message": s.Text, "created_time": s.At.UTC().Format(graphTime),
				"from": map[string]any{"id": s.From, "name": "Switchboard Test Page"}}
		})
	case "replies":
		items := f.ledger.matching(func(s Sent) bool { return s.Kind == "reply" && s.Parent == object })
		reverse(items) // oldest first
		return f.list("/"+object+"/"+edge, items, after, limit, q, func(s Sent) map[string]any {
			return map[string]any{"id": s.ID, "text": s.Text, "timestamp": s.At.UTC().Format(graphTime),
				"username": "switchboard.test", "from": map[string]any{"id": s.From, "username": "switchboard.test"}}
		})
	case "conversations":
		platform := q.Get("platform")
		if platform != "" && platform != "messenger" && platform != "instagram" {
			return invalid("param platform must be one of {messenger, instagram}")
		}
		user := q.Get("user_id")
		var items []Sent
		if user != "" {
			items = f.ledger.matching(func(s Sent) bool { return s.Kind == "message" && s.From == object && s.Parent == user })
			if len(items) > 1 {
				items = items[:1]
			}
		}
		return f.list("/"+object+"/"+edge, items, after, limit, q, func(s Sent) map[string]any {
			return map[string]any{"id": conversationPrefix + s.From + "_" + s.Parent, "updated_time": s.At.UTC().Format(graphTime)}
		})
	case "messages":
		account, customer, ok := strings.Cut(strings.TrimPrefix(object, conversationPrefix), "_")
		if !strings.HasPrefix(object, conversationPrefix) || !ok {
			return invalid("Unsupported get request. Object with ID '" + object + "' does not exist")
		}
		items := f.ledger.matching(func(s Sent) bool { return s.Kind == "message" && s.From == account && s.Parent == customer })
		return f.list("/"+object+"/"+edge, items, after, limit, q, func(s Sent) map[string]any {
			from := map[string]any{"id": s.From, "name": "Switchboard Test Page"}
			if s.From == IGAccountID {
				from = map[string]any{"id": s.From, "username": "switchboard.test"}
			}
			m := map[string]any{"id": s.ID, "created_time": s.At.UTC().Format(graphTime), "from": from, "message": s.Text}
			if strings.HasPrefix(s.Text, "http") {
				m["message"] = ""
			}
			return m
		})
	}
	return invalid("Tried accessing nonexisting field (" + edge + ") on node type (" + object + ")")
}

// list answers one page of a list as Graph does: data with the fields asked for (id always),
// and paging with cursors, and next when there is more.
func (f *FakeGraph) list(path string, items []Sent, after string, limit int, q url.Values, render func(Sent) map[string]any) (int, any) {
	pageItems, next := page(items, after, limit, 100)
	var fields map[string]bool
	if fl := q.Get("fields"); fl != "" {
		fields = map[string]bool{"id": true}
		for _, name := range strings.Split(fl, ",") {
			name, _, _ = strings.Cut(strings.TrimSpace(name), "{")
			fields[name] = true
		}
	}
	data := make([]map[string]any, 0, len(pageItems))
	for _, s := range pageItems {
		m := render(s)
		for k := range m {
			if fields != nil && !fields[k] {
				delete(m, k)
			}
		}
		data = append(data, m)
	}
	out := map[string]any{"data": data}
	if len(data) > 0 {
		start, _ := strconv.Atoi(after)
		paging := map[string]any{"cursors": map[string]any{
			"before": base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(start))),
			"after":  base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(start + len(data)))),
		}}
		if next != "" {
			nq := url.Values{}
			for k, v := range q {
				nq[k] = v
			}
			nq.Set("after", base64.RawURLEncoding.EncodeToString([]byte(next)))
			paging["next"] = f.URL + "/" + GraphVersion + path + "?" + nq.Encode()
		}
		out["paging"] = paging
	}
	return 200, out
}

func reverse(s []Sent) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}
