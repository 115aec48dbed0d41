// Package fakenet has fake network servers for tests: FakeGraph speaks the Graph API
// (Facebook pages and Instagram), FakeX speaks X API v2, and FakeWebchat stands in for a web
// chat's callback. Each is an httptest server that records every request it gets, answers
// success with realistic ids, and can be told to fail the next requests with any error the
// real network gives.
//
// FakeGraph and FakeX keep what they accepted (Sent) and serve it back through the networks'
// read endpoints, in their formats and with their paging: a comment's comments, an Instagram
// comment's replies, a page's conversations and their messages; a user's tweets and a DM
// conversation's events. They send no echoes. Switches make them rude as networks can be:
// AnswerAfter accepts a send and answers late (past a caller's timeout), DropAfterReading
// accepts it and closes the connection without answering.
//
//	graph := fakenet.NewFakeGraph(t) // closed when the test ends
//	ch := graph.FacebookChannel()    // credentials and base_url pointing at the fake
//	graph.FailNext(613, 0, 1)        // the next send is rate limited
//	graph.AnswerAfter(time.Minute, 1) // the next send is taken, and answered a minute later
//	... send ...
//	reqs := graph.Requests()         // method, path, query, headers and JSON body of each
//	sent := graph.Sent()             // what the network has: count duplicates with Duplicates
package fakenet
