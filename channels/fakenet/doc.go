// Package fakenet has fake network servers for tests: FakeGraph speaks the Graph API
// (Facebook pages and Instagram), FakeX speaks X API v2, and FakeWebchat stands in for a web
// chat's callback. Each is an httptest server that records every request it gets, answers
// success with realistic ids, and can be told to fail the next requests with any error the
// real network gives.
//
//	graph := fakenet.NewFakeGraph(t) // closed when the test ends
//	ch := graph.FacebookChannel()    // credentials and base_url pointing at the fake
//	graph.FailNext(613, 0, 1)        // the next send is rate limited
//	... send ...
//	reqs := graph.Requests()         // method, path, query, headers and JSON body of each
package fakenet
