package fakenet

// The X API v2 reads a sender uses to find out whether a send it lost the answer of went
// through: the user's tweets, and the events of a one-to-one DM conversation.

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// xTime is how X writes created_at.
const xTime = "2006-01-02T15:04:05.000Z"

func (f *FakeX) read(parts []string, q url.Values) (int, any) {
	problem := func(detail string) (int, any) {
		return http.StatusBadRequest, map[string]any{"title": "Invalid Request", "detail": detail,
			"type": "https://api.twitter.com/2/problems/invalid-request"}
	}
	limit := 0
	if v := q.Get("max_results"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return problem("The `max_results` query parameter value [" + v + "] is not valid")
		}
		limit = n
	}
	switch {
	case len(parts) == 4 && parts[0] == "2" && parts[1] == "users" && parts[3] == "tweets":
		if limit != 0 && (limit < 5 || limit > 100) {
			return problem("The `max_results` query parameter value [" + q.Get("max_results") + "] is not between 5 and 100")
		}
		var since time.Time
		if v := q.Get("start_time"); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return problem("The `start_time` query parameter value [" + v + "] is not a valid timestamp")
			}
			since = t
		}
		user := parts[2]
		items := f.ledger.matching(func(s Sent) bool { return s.Kind == "tweet" && s.From == user && !s.At.Before(since) })
		fields := fieldSet(q.Get("tweet.fields"))
		return xList(items, q.Get("pagination_token"), limit, 10, func(s Sent) map[string]any {
			m := map[string]any{"id": s.ID, "text": s.Text, "edit_history_tweet_ids": []string{s.ID}}
			if fields["created_at"] {
				m["created_at"] = s.At.UTC().Format(xTime)
			}
			if fields["author_id"] {
				m["author_id"] = s.From
			}
			if fields["referenced_tweets"] && s.Parent != "" {
				m["referenced_tweets"] = []any{map[string]any{"type": "replied_to", "id": s.Parent}}
			}
			return m
		}, true)
	case len(parts) == 5 && parts[0] == "2" && parts[1] == "dm_conversations" && parts[2] == "with" && parts[4] == "dm_events":
		if limit != 0 && (limit < 1 || limit > 100) {
			return problem("The `max_results` query parameter value [" + q.Get("max_results") + "] is not between 1 and 100")
		}
		participant := parts[3]
		items := f.ledger.matching(func(s Sent) bool { return s.Kind == "dm" && s.Parent == participant })
		fields := fieldSet(q.Get("dm_event.fields"))
		pair := []string{XUserID, participant}
		sort.Strings(pair)
		return xList(items, q.Get("pagination_token"), limit, 100, func(s Sent) map[string]any {
			m := map[string]any{"id": s.ID, "event_type": "MessageCreate", "text": s.Text}
			if fields["created_at"] {
				m["created_at"] = s.At.UTC().Format(xTime)
			}
			if fields["sender_id"] {
				m["sender_id"] = s.From
			}
			if fields["dm_conversation_id"] {
				m["dm_conversation_id"] = pair[0] + "-" + pair[1]
			}
			return m
		}, false)
	}
	return http.StatusNotFound, map[string]any{"title": "Not Found Error", "type": "https://api.twitter.com/2/problems/resource-not-found",
		"detail": "no route for GET /" + strings.Join(parts, "/")}
}

// xList answers one page of a newest-first list as X does: data, and meta with result_count,
// next_token, and newest_id and oldest_id for tweets.
func xList(items []Sent, token string, limit, defaultLimit int, render func(Sent) map[string]any, ids bool) (int, any) {
	if limit == 0 {
		limit = defaultLimit
	}
	pageItems, next := page(items, token, limit, 100)
	meta := map[string]any{"result_count": len(pageItems)}
	if next != "" {
		meta["next_token"] = next
	}
	out := map[string]any{"meta": meta}
	if len(pageItems) == 0 {
		return http.StatusOK, out
	}
	data := make([]map[string]any, 0, len(pageItems))
	for _, s := range pageItems {
		data = append(data, render(s))
	}
	if ids {
		meta["newest_id"], meta["oldest_id"] = pageItems[0].ID, pageItems[len(pageItems)-1].ID
	}
	out["data"] = data
	return http.StatusOK, out
}

func fieldSet(list string) map[string]bool {
	out := map[string]bool{}
	for _, f := range strings.Split(list, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out[f] = true
		}
	}
	return out
}
